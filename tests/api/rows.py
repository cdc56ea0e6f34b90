"""Read-model rows for the API tests, written by the real projection, and a stand-in service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from activities.projection import ProjectionActivities
from domain.actors import Actor
from domain.contracts import EventRecord, Link, Milestone, ProcedureStatus
from domain.steps import StepState, StepStatus
from quietude.procedures import CancelRequest, StartRequest, StepRequest
from quietude.treve import TreveChange, TreveDelivery, record_end
from store.db import session_scope
from store.tables import Document, Piece, Step
from tests.builders import (
    BAILLEUR,
    EVRY,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    opening_events,
    plainte_body,
    signalement_body,
    snapshot_of,
)

__all__ = ["BAILLEUR", "EVRY", "OTHER_BAILLEUR", "PARQUET", "POLICE_EVRY"]

ETAMPES = "91223"
POLICE_ETAMPES = "police-etampes"
GENDARMERIE = "gendarmerie-merevillois"
PERSONNES = [{"nom": "Durand", "prenom": "Kévin", "locataire": True}]


def at(day: date, hour: int = 9) -> datetime:
    """An aware instant on `day`."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


def step(
    key: str,
    org: str,
    opened_on: date,
    *,
    actor: Actor = Actor.FORCES,
    status: StepStatus = StepStatus.PENDING,
    due: date | None = None,
    overdue: bool = False,
    outcome: str | None = None,
    completed_on: date | None = None,
    seq: int = 1,
    label: str | None = None,
    hour: int = 9,
    assignee: str | None = None,
) -> StepState:
    """The state of a step as a workflow would project it (assigned to person `assignee`)."""
    done = status == StepStatus.DONE
    return StepState(
        key=key,
        seq=seq,
        label=label or f"Étape {key}",
        actor=actor,
        org=org,
        status=status,
        opened_at=at(opened_on, hour),
        opened_on=opened_on,
        due=due,
        due_explanation=f"échéance de {key}" if due else "",
        overdue=overdue,
        outcome=outcome,
        completed_on=completed_on,
        completed_at=at(completed_on, 18) if completed_on else None,
        completed_by=f"agent@{org}" if done else None,
        completed_by_org=org if done else None,
        legal_basis="art. 40-1 CPP" if key == "decision_parquet" else "",
        assignee_sub=assignee,
    )


def done(key: str, org: str, opened_on: date, completed_on: date, **changes: Any) -> StepState:
    """A step of `org` opened on `opened_on`, completed on `completed_on`."""
    return step(key, org, opened_on, status=StepStatus.DONE, completed_on=completed_on, **changes)


def done_after(key: str, org: str, opened_on: date, days: int, **changes: Any) -> StepState:
    """A step of `org` completed `days` days after it opened."""
    return done(key, org, opened_on, opened_on + timedelta(days=days), **changes)


def late(key: str, org: str, opened_on: date, due: date, **changes: Any) -> StepState:
    """A pending step of `org` past its due date."""
    return step(key, org, opened_on, due=due, overdue=True, **changes)


def signalement_id(number: int) -> str:
    """The id of the signalement numbered `number` in 2026."""
    return f"signalement-2026-{number:06d}"


def project(
    engine: Engine,
    procedure_id: str,
    steps: list[StepState],
    *,
    bailleur: str = BAILLEUR,
    commune: str = EVRY,
    status: ProcedureStatus = ProcedureStatus.OPEN,
    title: str = "Signalement — occupation des halls",
    created_on: date = date(2026, 11, 23),
    **facts: Any,
) -> None:
    """Write a signalement to the read model through the projection activity."""
    body = signalement_body(personnes=PERSONNES, **facts)
    body["residence"]["commune_insee"] = commune
    events = [EventRecord(seq=1, at=at(created_on), type="procedure_started", message="Ouverte")]
    events += opening_events(steps, first=2)
    snapshot = snapshot_of(
        procedure_id,
        body,
        at(created_on),
        steps,
        events,
        title=title,
        bailleur_id=bailleur,
        commune_insee=commune,
        residence_nom=body["residence"]["nom"],
        status=status,
        kind="signalement",
        closed_at=None if status == ProcedureStatus.OPEN else at(created_on, 20),
    )
    ProjectionActivities(engine).project(snapshot)


def project_kind(
    engine: Engine,
    procedure_id: str,
    steps: list[StepState],
    *,
    bailleur: str = BAILLEUR,
    commune: str = EVRY,
    status: ProcedureStatus = ProcedureStatus.OPEN,
    facts: dict[str, Any] | None = None,
    links: list[Link] | None = None,
    suggestions: list[str] | None = None,
    milestones: list[Milestone] | None = None,
) -> None:
    """Write a procedure of the kind its id starts with through the real projection."""
    kind = procedure_id.split("-")[0]
    snapshot = snapshot_of(
        procedure_id,
        facts or {"kind": kind},
        at(date(2026, 8, 1)),
        steps,
        title=f"{kind.capitalize()} — essai",
        bailleur_id=bailleur,
        commune_insee=commune,
        status=status,
        suggestions=suggestions or [],
        milestones=milestones or [],
        links=links or [],
    )
    ProjectionActivities(engine).project(snapshot)


def add_files(
    session: Session,
    procedure_id: str,
    document: Path,
    piece: Path,
    *,
    owner: str = BAILLEUR,
    created_at: datetime | None = None,
) -> None:
    """A fiche (a document) and a PV naming Durand (an exhibit) of a procedure, their files
    at `document` and `piece`."""
    now = created_at or datetime.now(UTC)
    session.add(
        Document(
            id=f"doc-{procedure_id}",
            procedure_id=procedure_id,
            kind="fiche",
            filename="fiche.docx",
            sha256="0" * 64,
            path=str(document),
            size=document.stat().st_size,
            created_at=now,
        )
    )
    session.add(
        Piece(
            id=f"piece-{procedure_id}",
            procedure_id=procedure_id,
            title="PV Durand",
            kind="pv",
            filename="pv.pdf",
            content_type="application/pdf",
            size=piece.stat().st_size,
            sha256="1" * 64,
            path=str(piece),
            created_at=now,
            created_by=f"juriste@{owner}",
            org_id=owner,
        )
    )


def plainte_facts(**faits: Any) -> dict[str, Any]:
    """The facts of a plainte of the bailleur, of 30 August 2026 unless `faits` say otherwise."""
    body = plainte_body()
    body["faits"] = {**body["faits"], "le": "2026-08-30T23:00:00+02:00", **faits}
    return body


def assigned(state: StepState, sub: str | None) -> StepState:
    """The step assigned to person `sub`."""
    return state.model_copy(update={"assignee_sub": sub})


def parquet_step(key: str, opened_on: date, **changes: Any) -> StepState:
    """A step of the parquet of Évry."""
    return step(key, PARQUET, opened_on, actor=Actor.PARQUET, **changes)


@dataclass
class FakeService:
    """Stands for ProcedureService: records calls, refuses with `error`, else acts on the rows."""

    engine: Engine
    error: Exception | None = None
    calls: list[tuple[str, Any]] = field(default_factory=list)
    next_id: str = "signalement-2026-000042"

    async def start(self, request: StartRequest) -> str:
        """Record the start and project a fresh procedure for the caller."""
        caller = request.caller
        self.calls.append(("start", (caller, request.facts)))
        if self.error:
            raise self.error
        opened = date(2026, 11, 23)
        steps = [step("accuse_reception", POLICE_EVRY, opened, due=date(2026, 11, 25))]
        project(self.engine, self.next_id, steps, bailleur=caller.org)
        return self.next_id

    async def complete_step(self, request: StepRequest) -> None:
        """Record the completion and mark the step done in the read model."""
        procedure_id, key, completion = request.procedure_id, request.key, request.completion
        self.calls.append(("complete_step", (request.caller, procedure_id, key, completion)))
        if self.error:
            raise self.error
        with Session(self.engine) as session:
            row = session.exec(
                select(Step).where(Step.procedure_id == procedure_id, Step.key == key)
            ).one()
            row.status = StepStatus.DONE.value
            row.outcome = completion.outcome
            row.completed_on = completion.date
            session.add(row)
            session.commit()

    async def change_treve(self, change: TreveChange) -> TreveDelivery:
        """Record the end of the trêve; one running procedure is said to take it."""
        self.calls.append(("change_treve", change))
        if self.error:
            raise self.error
        with session_scope(self.engine) as session:
            record_end(session, change)
        return TreveDelivery(updated=["resiliation-2027-000001"])

    async def cancel(self, request: CancelRequest) -> None:
        """Record the withdrawal."""
        reason = request.cancellation.reason
        self.calls.append(("cancel", (request.caller, request.procedure_id, reason)))
        if self.error:
            raise self.error
