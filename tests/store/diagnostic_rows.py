"""A small hand-made set of procedures for the diagnostics, written by the real projection.

Period under study: 2026-01-01 → 2026-06-30 (181 days); previous period 2025-07-04 → 2025-12-31.
In Évry-Courcouronnes (91228), police-evry-corbeil:
- demo-habitat-essonne, Tilleuls B/2: 6 signalements occupation_halls at 22 h (Paris), their
  accusés de réception taken in 0, 1, 1, 2, 3 and 10 days (due in 2: two late);
- demo-habitat-essonne, Érables C/1: 2 signalements troubles_jouissance at 14 h;
- demo-habitat-essonne, Tilleuls A/1: 1 plainte degradations with trafficking at 23 h, parquet
  decision « poursuites » in 20 days;
- demo-habitat-essonne: 1 résiliation (trafic + troubles) started 2026-02-01, judgment
  « resiliation_prononcee »;
- demo-logis-sud, Peupliers D/4: 3 signalements degradations at 20 h;
- noise: 1 signalement of the previous period, 1 cancelled, 1 in Étampes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine

from activities.projection import ProjectionActivities
from domain.actors import Actor
from domain.contracts import EventRecord, ProcedureStatus
from domain.steps import StepState, StepStatus
from tests.builders import snapshot_of

EVRY, ETAMPES = "91228", "91223"
BAILLEUR, OTHER_BAILLEUR = "demo-habitat-essonne", "demo-logis-sud"
POLICE_EVRY, POLICE_ETAMPES = "police-evry-corbeil", "police-etampes"
PARQUET, JUGE = "parquet-evry", "tj-evry"
START, END = date(2026, 1, 1), date(2026, 6, 30)
TILLEULS_DELAYS = (0, 1, 1, 2, 3, 10)
# The same local hour (22 h 30 in Paris) written with winter, summer and UTC offsets.
TILLEULS_MOMENTS = (
    "2026-01-05T22:30:00+01:00",
    "2026-01-12T22:30:00+01:00",
    "2026-02-10T21:30:00Z",
    "2026-03-03T22:30:00+01:00",
    "2026-04-14T22:30:00+02:00",
    "2026-06-10T22:30:00+02:00",
)
ERABLES_MOMENTS = ("2026-02-02T14:00:00+01:00", "2026-05-20T14:10:00+02:00")
PEUPLIERS_MOMENTS = (
    "2026-01-20T20:00:00+01:00",
    "2026-03-21T20:00:00+01:00",
    "2026-05-30T20:15:00+02:00",
)
PLAINTE_MOMENT = "2026-03-01T23:00:00+01:00"


def residence(nom: str, batiment: str, hall: str, commune: str = EVRY) -> dict[str, Any]:
    """A residence block of the facts."""
    return {
        "nom": nom,
        "adresse": "1 rue de l'Exemple",
        "commune_insee": commune,
        "batiment": batiment,
        "hall": hall,
    }


def state(
    key: str,
    actor: Actor,
    org: str,
    opened: date,
    *,
    done_after: int | None = None,
    due_after: int | None = None,
    outcome: str | None = None,
) -> StepState:
    """A step as the engine projects it: done `done_after` days after opening, if given."""
    completed = opened + timedelta(days=done_after) if done_after is not None else None
    due = opened + timedelta(days=due_after) if due_after is not None else None
    return StepState(
        key=key,
        label=f"Étape {key}",
        actor=actor,
        org=org,
        status=StepStatus.DONE if completed else StepStatus.PENDING,
        opened_at=datetime.combine(opened, time(9), tzinfo=UTC),
        opened_on=opened,
        due=due,
        outcome=outcome if completed else None,
        completed_on=completed,
        completed_at=datetime.combine(completed, time(17), tzinfo=UTC) if completed else None,
        completed_by=f"agent@{org}" if completed else None,
        completed_by_org=org if completed else None,
    )


def project(
    engine: Engine,
    procedure_id: str,
    facts: dict[str, Any],
    steps: list[StepState],
    *,
    bailleur: str = BAILLEUR,
    status: ProcedureStatus = ProcedureStatus.OPEN,
) -> None:
    """Write one procedure through the projection activity."""
    place = facts.get("residence") or facts["logement"]["residence"]
    created = datetime(2026, 7, 1, 9, tzinfo=UTC)
    snapshot = snapshot_of(
        procedure_id,
        facts,
        created,
        steps,
        [EventRecord(seq=1, at=created, type="procedure_started", message="Ouverte")],
        title=f"{facts['kind']} de test",
        bailleur_id=bailleur,
        commune_insee=place["commune_insee"],
        residence_nom=place["nom"],
        status=status,
        kind=facts["kind"],
    )
    ProjectionActivities(engine).project(snapshot)


def signalement(
    engine: Engine,
    number: int,
    moment: str,
    categorie: str,
    place: dict[str, Any],
    steps: list[StepState],
    **options: Any,
) -> None:
    """A signalement with the given facts."""
    facts = {
        "kind": "signalement",
        "residence": place,
        "categorie": categorie,
        "faits_le": moment,
        "description": "Faits constatés.",
        "source": "gardien",
        "destinataire": "forces",
        "personnes": [{"nom": "Durand", "prenom": "Kévin", "locataire": True}],
    }
    project(engine, f"signalement-2026-{number:06d}", facts, steps, **options)


def accuse(day: str, org: str = POLICE_EVRY, **timing: Any) -> list[StepState]:
    """The forces' acknowledgement step of a signalement of `day`."""
    opened = date.fromisoformat(day[:10])
    return [state("accuse_reception", Actor.FORCES, org, opened, outcome="recu", **timing)]


def load(engine: Engine) -> None:
    """Write the whole hand-made set."""
    tilleuls_b2 = residence("Résidence des Tilleuls", "B", "2")
    number = 0
    for moment, delay in zip(TILLEULS_MOMENTS, TILLEULS_DELAYS, strict=True):
        number += 1
        steps = accuse(moment, done_after=delay, due_after=2)
        signalement(engine, number, moment, "occupation_halls", tilleuls_b2, steps)
    for moment in ERABLES_MOMENTS:
        number += 1
        place = residence("Résidence des Érables", "C", "1")
        signalement(engine, number, moment, "troubles_jouissance", place, accuse(moment))
    for moment in PEUPLIERS_MOMENTS:
        number += 1
        place = residence("Résidence des Peupliers", "D", "4")
        steps = accuse(moment)
        signalement(engine, number, moment, "degradations", place, steps, bailleur=OTHER_BAILLEUR)
    _noise(engine, number, tilleuls_b2)
    _plainte(engine)
    _resiliation(engine)


def _noise(engine: Engine, number: int, place: dict[str, Any]) -> None:
    before = "2025-10-01T22:00:00+02:00"
    signalement(engine, number + 1, before, "occupation_halls", place, accuse(before))
    cancelled = "2026-02-15T22:00:00+01:00"
    signalement(
        engine,
        number + 2,
        cancelled,
        "occupation_halls",
        place,
        accuse(cancelled),
        status=ProcedureStatus.CANCELLED,
    )
    elsewhere = "2026-02-15T22:00:00+01:00"
    etampes = residence("Résidence des Remparts", "A", "1", ETAMPES)
    steps = accuse(elsewhere, org=POLICE_ETAMPES)
    signalement(engine, number + 3, elsewhere, "occupation_halls", etampes, steps)


def _plainte(engine: Engine) -> None:
    facts = {
        "kind": "plainte",
        "plaignant": {"type": "bailleur"},
        "residence": residence("Résidence des Tilleuls", "A", "1"),
        "faits": {
            "categorie": "degradations",
            "le": PLAINTE_MOMENT,
            "qualification": "delit",
            "trafic_stupefiants": True,
            "description": "Boîtes aux lettres forcées.",
        },
        "canal": "commissariat",
        "mis_en_cause": [],
    }
    decision = state(
        "decision_parquet",
        Actor.PARQUET,
        PARQUET,
        date(2026, 3, 1),
        done_after=20,
        due_after=61,
        outcome="poursuites",
    )
    project(engine, "plainte-2026-000001", facts, [decision])


def _resiliation(engine: Engine) -> None:
    facts = {
        "kind": "resiliation",
        "logement": {"residence": residence("Résidence des Tilleuls", "B", "2"), "reference": "L1"},
        "bail": {"reference": "B-1", "date_effet": "2019-05-01"},
        "locataires": [{"nom": "Lefèvre", "prenom": "Hélène"}],
        "motifs": ["trafic_stupefiants", "troubles_jouissance"],
        "origine": "bailleur",
    }
    steps = [
        state(
            "constitution_dossier",
            Actor.BAILLEUR,
            BAILLEUR,
            date(2026, 2, 1),
            done_after=9,
            due_after=28,
            outcome="complet",
        ),
        state(
            "jugement",
            Actor.JUGE,
            JUGE,
            date(2026, 5, 1),
            done_after=14,
            outcome="resiliation_prononcee",
        ),
    ]
    project(engine, "resiliation-2026-000001", facts, steps)
