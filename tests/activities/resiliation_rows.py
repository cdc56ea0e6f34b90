"""A résiliation de bail in the read model, written by the real projection, with its exhibits."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from activities.projection import ProjectionActivities
from domain.actors import Actor
from domain.contracts import EventRecord, Milestone, ProcedureSnapshot, ProcedureStatus
from domain.procedures.resiliation_facts import ResiliationFacts
from domain.steps import StepState, StepStatus
from store.tables import Piece
from tests.builders import BAILLEUR, EVRY, PARQUET

PROCEDURE_ID = "resiliation-2026-000007"
COMMISSAIRE = "demo-commissaire-justice"


def resiliation_facts(**overrides: Any) -> dict[str, Any]:
    """Validated facts of a résiliation in Évry-Courcouronnes, with accented names, as JSON."""
    body: dict[str, Any] = {
        "kind": "resiliation",
        "logement": {
            "residence": {
                "nom": "Résidence des Tilleuls",
                "adresse": "12 rue des Lilas",
                "commune_insee": EVRY,
                "batiment": "C",
                "hall": "3",
            },
            "reference": "LGT-0042",
        },
        "bail": {"reference": "B-2019-0042", "date_effet": "2019-05-01"},
        "locataires": [{"nom": "Lefèvre", "prenom": "Hélène"}, {"nom": "N'Diaye"}],
        "occupants": [{"nom": "Lefèvre", "prenom": "Jérôme"}],
        "motifs": ["trafic_stupefiants", "troubles_jouissance"],
        "impayes": False,
        "origine": "bailleur",
    }
    body.update(overrides)
    return ResiliationFacts.model_validate(body).model_dump(mode="json")


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _step(
    key: str, label: str, actor: Actor, org: str, opened: date, due: date | None, **changes: Any
) -> StepState:
    done = changes.get("completed_on")
    return StepState(
        key=key,
        label=label,
        actor=actor,
        org=org,
        status=StepStatus.DONE if done else StepStatus.PENDING,
        opened_at=_at(opened),
        opened_on=opened,
        due=due,
        completed_at=_at(done, 17) if done else None,
        completed_by=f"juriste@{org}" if done else None,
        completed_by_org=org if done else None,
        **changes,
    )


RESILIATION_STEPS = [
    _step(
        "constitution_dossier",
        "Constitution du dossier",
        Actor.BAILLEUR,
        BAILLEUR,
        date(2026, 9, 1),
        date(2026, 10, 1),
        outcome="complet",
        completed_on=date(2026, 9, 15),
        due_explanation="1 mois à compter du 1er septembre 2026 (objectif de la convention)",
    ),
    _step(
        "demande_information_parquet",
        "Demande d'information au parquet (condamnations, décisions)",
        Actor.PARQUET,
        PARQUET,
        date(2026, 9, 15),
        date(2026, 10, 15),
        outcome="transmise",
        completed_on=date(2026, 10, 2),
        legal_basis="convention sécurité – tranquillité résidentielle",
    ),
    _step(
        "mise_en_demeure",
        "Mise en demeure du locataire",
        Actor.BAILLEUR,
        BAILLEUR,
        date(2026, 9, 15),
        date(2026, 9, 30),
        outcome="envoyee",
        completed_on=date(2026, 9, 25),
        legal_basis="art. 6-1 loi 89-462 ; art. L. 442-4-1 CCH",
    ),
    _step(
        "offre_relogement",
        "Offre de relogement (réponse du locataire)",
        Actor.BAILLEUR,
        BAILLEUR,
        date(2026, 10, 27),
        date(2026, 11, 27),
        outcome="implicite_refus",
        implicite=True,
        completed_on=date(2026, 11, 27),
        legal_basis="art. L. 442-4-1 CCH",
        due_explanation="1 mois à compter du 27 octobre 2026",
    ),
    _step(
        "assignation",
        "Assignation devant le juge des contentieux de la protection",
        Actor.COMMISSAIRE_JUSTICE,
        COMMISSAIRE,
        date(2026, 11, 27),
        date(2026, 12, 28),
        legal_basis="art. L. 213-4-4 COJ",
    ),
]


def project_resiliation(
    engine: Engine, procedure_id: str = PROCEDURE_ID, bailleur: str = BAILLEUR
) -> None:
    """Write the résiliation, its steps and its timeline through the projection activity."""
    events = [
        EventRecord(
            seq=0,
            at=_at(date(2026, 9, 1), 8),
            type="procedure_started",
            message="Procédure ouverte par le bailleur",
            org=bailleur,
        )
    ]
    for state in RESILIATION_STEPS:
        events.append(
            EventRecord(
                seq=0,
                at=state.opened_at,
                type="step_opened",
                message=f"Étape ouverte : {state.label}",
                step_key=state.key,
                org=state.org,
            )
        )
        if state.completed_at:
            events.append(
                EventRecord(
                    seq=0,
                    at=state.completed_at,
                    type="step_completed",
                    message=f"Étape accomplie : {state.label}",
                    step_key=state.key,
                    org=state.org,
                )
            )
    events.sort(key=lambda event: event.at)
    timeline = [e.model_copy(update={"seq": n}) for n, e in enumerate(events, start=1)]
    snapshot = ProcedureSnapshot(
        procedure_id=procedure_id,
        kind="resiliation",
        status=ProcedureStatus.OPEN,
        bailleur_id=bailleur,
        commune_insee=EVRY,
        residence_nom="Résidence des Tilleuls",
        title="Résiliation — trafic de stupéfiants",
        facts=resiliation_facts(),
        created_at=_at(date(2026, 9, 1), 8),
        steps=RESILIATION_STEPS,
        events=timeline,
        milestones=[
            Milestone(
                key="fin_delai_offre_relogement",
                label="Fin du délai de réponse à l'offre de relogement",
                date=date(2026, 11, 27),
                explanation="1 mois à compter du 27 octobre 2026",
                legal_basis="art. L. 442-4-1 CCH",
            ),
        ],
    )
    ProjectionActivities(engine).project(snapshot)


def add_piece(
    engine: Engine,
    storage: Path,
    title: str,
    kind: str,
    data: bytes,
    filename: str,
    added: datetime,
    procedure_id: str = PROCEDURE_ID,
) -> Piece:
    """Record an exhibit and store its bytes, as an upload would."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = storage / procedure_id / sha256
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    piece = Piece(
        id=f"{procedure_id}:{sha256[:16]}",
        procedure_id=procedure_id,
        title=title,
        kind=kind,
        filename=filename,
        content_type="application/pdf",
        size=len(data),
        sha256=sha256,
        path=str(path),
        created_at=added,
        created_by="juriste-1",
        org_id=BAILLEUR,
    )
    with Session(engine) as session:
        session.add(piece)
        session.commit()
        session.refresh(piece)
    return piece
