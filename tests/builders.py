"""Builders of test inputs."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from domain.contracts import (
    EventRecord,
    ImportedStep,
    Policy,
    ProcedureSnapshot,
    ProcedureStart,
    ProcedureStatus,
)
from domain.steps import StepState

EVRY = "91228"
POLICE_EVRY = "police-evry-corbeil"
BAILLEUR = "demo-habitat-essonne"
OTHER_BAILLEUR = "demo-logis-sud"
PARQUET = "parquet-evry"
CREATED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def tilleuls(**where: str) -> dict[str, Any]:
    """The Résidence des Tilleuls in Évry-Courcouronnes, with a building and a hall if given."""
    return {
        "nom": "Résidence des Tilleuls",
        "adresse": "12 rue des Lilas",
        "commune_insee": EVRY,
        **where,
    }


def start_of(
    kind: str,
    body: dict[str, Any],
    created_on: date,
    *,
    procedure_id: str | None = None,
    title: str | None = None,
    orgs: dict[str, str] | None = None,
    residence_nom: str = "Résidence des Tilleuls",
    **options: Any,
) -> ProcedureStart:
    """A workflow input of any kind, with the organisations of Évry resolved; `options`:
    imported steps, the current step."""
    return ProcedureStart(
        procedure_id=procedure_id or f"{kind}-2026-{uuid.uuid4().int % 10**6:06d}",
        kind=kind,
        bailleur_id=BAILLEUR,
        created_by="juriste-1",
        created_at=CREATED_AT,
        created_on=created_on,
        commune_insee=EVRY,
        residence_nom=residence_nom,
        title=title or kind,
        orgs=dict(orgs or EVRY_ORGS),
        facts=body,
        policy=Policy(),
        **options,
    )


def signalement_body(**overrides: Any) -> dict[str, Any]:
    """The API start body of a signalement in Évry-Courcouronnes."""
    body: dict[str, Any] = {
        "kind": "signalement",
        "residence": tilleuls(batiment="B", hall="2"),
        "categorie": "occupation_halls",
        "faits_le": "2026-11-20T22:30:00+01:00",
        "description": "Occupation du hall B2 par un groupe, nuisances sonores.",
        "source": "gardien",
        "destinataire": "forces",
    }
    body.update(overrides)
    return body


def signalement_start(
    procedure_id: str | None = None,
    created_on: date = date(2026, 11, 23),
    imported: list[ImportedStep] | None = None,
    etape: str | None = None,
    **facts: Any,
) -> ProcedureStart:
    """A workflow input for a signalement, with the organisations of Évry resolved."""
    body = signalement_body(**facts)
    return start_of(
        "signalement",
        body,
        created_on,
        procedure_id=procedure_id,
        title="Signalement — occupation des halls",
        orgs={"bailleur": BAILLEUR, "forces": POLICE_EVRY, "parquet": PARQUET},
        residence_nom=body["residence"]["nom"],
        imported=imported or [],
        etape=etape,
    )


COMMISSAIRE = "demo-commissaire-justice"
PREFECTURE = "prefecture-91"
TRIBUNAL = "tj-evry"
EVRY_ORGS = {
    "bailleur": BAILLEUR,
    "forces": POLICE_EVRY,
    "police": POLICE_EVRY,
    "parquet": PARQUET,
    "prefet": PREFECTURE,
    "juge": TRIBUNAL,
    "commissaire_justice": COMMISSAIRE,
}


def resiliation_body(**overrides: Any) -> dict[str, Any]:
    """The API start body of a résiliation in Évry-Courcouronnes."""
    body: dict[str, Any] = {
        "kind": "resiliation",
        "logement": {"residence": tilleuls(batiment="C", hall="3"), "reference": "LGT-0042"},
        "bail": {"reference": "B-2019-0042", "date_effet": "2019-05-01"},
        "locataires": [{"nom": "Quiétudetest", "prenom": "Zéphyrin"}],
        "occupants": [],
        "motifs": ["trafic_stupefiants"],
        "impayes": False,
        "origine": "bailleur",
        "liens": [],
    }
    body.update(overrides)
    return body


def resiliation_start(
    created_on: date,
    imported: list[ImportedStep] | None = None,
    etape: str | None = None,
    **facts: Any,
) -> ProcedureStart:
    """A workflow input for a résiliation, with the organisations of Évry resolved."""
    title = "Résiliation de bail — trafic stupefiants"
    body = resiliation_body(**facts)
    return start_of(
        "resiliation", body, created_on, title=title, imported=imported or [], etape=etape
    )


def plainte_body(**overrides: Any) -> dict[str, Any]:
    """The API start body of a plainte of the bailleur in Évry-Courcouronnes."""
    body: dict[str, Any] = {
        "kind": "plainte",
        "plaignant": {"type": "bailleur"},
        "residence": tilleuls(batiment="A", hall="1"),
        "faits": {
            "categorie": "degradations",
            "le": "2029-08-30T23:00:00+02:00",
            "qualification": "delit",
            "trafic_stupefiants": False,
            "description": "Portes du hall A1 fracturées.",
        },
        "canal": "commissariat",
        "mis_en_cause": [{"nom": "Quiétudetest", "prenom": "Zéphyrin", "locataire": True}],
    }
    body.update(overrides)
    return body


def plainte_start(created_on: date, **facts: Any) -> ProcedureStart:
    """A workflow input for a plainte, with the organisations of Évry resolved."""
    return start_of("plainte", plainte_body(**facts), created_on, title="Plainte — degradations")


def assermentation_body(**overrides: Any) -> dict[str, Any]:
    """The API start body of the assermentation of a gardien as garde particulier."""
    body: dict[str, Any] = {
        "kind": "assermentation",
        "agent": {"nom": "Quiétudetest", "prenom": "Zéphyrin", "poste": "gardien"},
        "route": "garde_particulier",
        "residences": [tilleuls()],
        "infractions": ["R. 635-1"],
    }
    body.update(overrides)
    return body


def intervention_body(**overrides: Any) -> dict[str, Any]:
    """The API start body of a joint intervention at the Tilleuls."""
    body: dict[str, Any] = {
        "kind": "intervention_conjointe",
        "residence": tilleuls(),
        "halls": ["B2"],
        "diagnostic": {"niveau": 3, "periode": ["2029-01-01", "2029-12-31"]},
        "objectifs": "Rétablir la tranquillité du hall B2.",
        "proposant": "bailleur",
    }
    body.update(overrides)
    return body


def opening_events(steps: list[StepState], first: int = 1) -> list[EventRecord]:
    """The events of the opening of `steps`, numbered from `first`."""
    return [
        EventRecord(
            seq=first + index,
            at=state.opened_at,
            type="step_opened",
            message=f"Étape ouverte : {state.label}",
            step_key=state.key,
            org=state.org,
        )
        for index, state in enumerate(steps)
    ]


def snapshot_of(
    procedure_id: str,
    facts: dict[str, Any],
    created_at: datetime,
    steps: list[StepState] | None = None,
    events: list[EventRecord] | None = None,
    **fields: Any,
) -> ProcedureSnapshot:
    """A procedure as its workflow projects it: open, of the kind its id starts with, of
    BAILLEUR at the Tilleuls of Évry, unless `fields` (of ProcedureSnapshot) say otherwise."""
    values = {
        "kind": procedure_id.split("-")[0],
        "status": ProcedureStatus.OPEN,
        "bailleur_id": BAILLEUR,
        "commune_insee": EVRY,
        "residence_nom": "Résidence des Tilleuls",
        **fields,
    }
    return ProcedureSnapshot(
        procedure_id=procedure_id,
        facts=facts,
        created_at=created_at,
        steps=steps or [],
        events=events or [],
        **values,
    )
