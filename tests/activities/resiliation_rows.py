"""A résiliation de bail in the read model, written by the real projection, with its exhibits."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from activities.documents import DocumentActivities
from activities.projection import ProjectionActivities
from domain.contracts import DocumentRequest, EventRecord, Milestone
from domain.procedures.resiliation import CATALOG as RESILIATION
from domain.procedures.resiliation_facts import ResiliationFacts
from domain.steps import StepState, StepStatus
from store.tables import Piece
from tests.builders import BAILLEUR, EVRY, PARQUET, resiliation_body, snapshot_of

PROCEDURE_ID = "resiliation-2026-000007"
COMMISSAIRE = "demo-commissaire-justice"


def resiliation_facts(**overrides: Any) -> dict[str, Any]:
    """Validated facts of a résiliation in Évry-Courcouronnes, with accented names, as JSON."""
    accented = {
        "locataires": [{"nom": "Lefèvre", "prenom": "Hélène"}, {"nom": "N'Diaye"}],
        "occupants": [{"nom": "Lefèvre", "prenom": "Jérôme"}],
        "motifs": ["trafic_stupefiants", "troubles_jouissance"],
    }
    body = resiliation_body(**{**accented, **overrides})
    return ResiliationFacts.model_validate(body).model_dump(mode="json")


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _step(
    key: str, org: str, opened: str, due: str, outcome: str | None, completed: str | None
) -> StepState:
    """A step of the catalog, opened, due and completed on those days of 2026 ("MM-DD")."""
    spec = RESILIATION.spec(key)
    done = date.fromisoformat(f"2026-{completed}") if completed else None
    return StepState(
        key=key,
        label=spec.label,
        actor=spec.actor,
        org=org,
        status=StepStatus.DONE if done else StepStatus.PENDING,
        opened_at=_at(date.fromisoformat(f"2026-{opened}")),
        opened_on=date.fromisoformat(f"2026-{opened}"),
        due=date.fromisoformat(f"2026-{due}"),
        due_explanation=EXPLANATIONS.get(key, ""),
        outcome=outcome,
        implicite=bool(outcome and outcome.startswith("implicite")),
        completed_on=done,
        completed_at=_at(done, 17) if done else None,
        completed_by=f"juriste@{org}" if done else None,
        completed_by_org=org if done else None,
        legal_basis=spec.legal_basis,
    )


EXPLANATIONS = {
    "constitution_dossier": "1 mois à compter du 1er septembre 2026 (objectif de la convention)",
    "offre_relogement": "1 mois à compter du 27 octobre 2026",
}
# Each step: its key, organisation, opening, due date, outcome and completion in 2026.
RESILIATION_STEPS = [
    _step("constitution_dossier", BAILLEUR, "09-01", "10-01", "complet", "09-15"),
    _step("demande_information_parquet", PARQUET, "09-15", "10-15", "transmise", "10-02"),
    _step("mise_en_demeure", BAILLEUR, "09-15", "09-30", "envoyee", "09-25"),
    _step("offre_relogement", BAILLEUR, "10-27", "11-27", "implicite_refus", "11-27"),
    _step("assignation", COMMISSAIRE, "11-27", "12-28", None, None),
]


def _event(at: datetime, type: str, message: str, org: str, key: str | None = None) -> EventRecord:
    """An event of the timeline (numbered once the events are in order)."""
    return EventRecord(seq=0, at=at, type=type, message=message, step_key=key, org=org)


def project_resiliation(
    engine: Engine, procedure_id: str = PROCEDURE_ID, bailleur: str = BAILLEUR
) -> None:
    """Write the résiliation, its steps and its timeline through the projection activity."""
    started = _at(date(2026, 9, 1), 8)
    events = [_event(started, "procedure_started", "Procédure ouverte par le bailleur", bailleur)]
    for state in RESILIATION_STEPS:
        opened = f"Étape ouverte : {state.label}"
        events.append(_event(state.opened_at, "step_opened", opened, state.org, state.key))
        if state.completed_at:
            done = f"Étape accomplie : {state.label}"
            events.append(_event(state.completed_at, "step_completed", done, state.org, state.key))
    events.sort(key=lambda event: event.at)
    timeline = [e.model_copy(update={"seq": n}) for n, e in enumerate(events, start=1)]
    snapshot = snapshot_of(
        procedure_id,
        resiliation_facts(),
        started,
        RESILIATION_STEPS,
        timeline,
        title="Résiliation — trafic de stupéfiants",
        bailleur_id=bailleur,
        kind="resiliation",
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


# The letters of the résiliation, in the order its flow opens their steps: the request to the
# parquet leaves as the procedure is recorded, before the mise en demeure.
LETTERS = ("demande_information_parquet", "mise_en_demeure", "offre_relogement")


def produce_letters(documents: DocumentActivities, procedure_id: str = PROCEDURE_ID) -> None:
    """Render the résiliation's letters through the activity, as its steps open."""
    for kind in LETTERS:
        state = next(s for s in RESILIATION_STEPS if s.key == kind)
        step = {
            "key": state.key,
            "label": state.label,
            "opened_on": state.opened_on.isoformat(),
            "due": state.due.isoformat() if state.due else None,
            "due_explanation": state.due_explanation,
        }
        context = {"procedure_id": procedure_id, "date_document": step["opened_on"]}
        documents.render(
            DocumentRequest(
                procedure_id=procedure_id,
                kind=kind,
                step_key=kind,
                context={**context, "facts": resiliation_facts(), "step": step},
                org_refs={"bailleur": BAILLEUR, "destinataire": state.org},
                commune_insee=EVRY,
            )
        )
