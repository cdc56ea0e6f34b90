"""Read-model rows for the API tests, written by the real projection, and a stand-in service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import Client

from activities.projection import ProjectionActivities
from domain.actors import Actor
from domain.contracts import EventRecord, ProcedureSnapshot, ProcedureStatus
from domain.steps import StepState, StepStatus
from quietude.procedures import CancelRequest, StartRequest, StepRequest
from quietude.settings import Settings
from store.tables import Step
from tests.builders import BAILLEUR, EVRY, OTHER_BAILLEUR, PARQUET, POLICE_EVRY, signalement_body

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
) -> StepState:
    """The state of a step as a workflow would project it."""
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
    )


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
    events += [
        EventRecord(
            seq=index + 2,
            at=s.opened_at,
            type="step_opened",
            message=f"Étape ouverte : {s.label}",
            step_key=s.key,
            org=s.org,
        )
        for index, s in enumerate(steps)
    ]
    snapshot = ProcedureSnapshot(
        procedure_id=procedure_id,
        kind="signalement",
        status=status,
        bailleur_id=bailleur,
        commune_insee=commune,
        residence_nom=body["residence"]["nom"],
        title=title,
        facts=body,
        created_at=at(created_on),
        closed_at=None if status == ProcedureStatus.OPEN else at(created_on, 20),
        steps=steps,
        events=events,
    )
    ProjectionActivities(engine).project(snapshot)


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

    async def cancel(self, request: CancelRequest) -> None:
        """Record the withdrawal."""
        reason = request.cancellation.reason
        self.calls.append(("cancel", (request.caller, request.procedure_id, reason)))
        if self.error:
            raise self.error


async def refuse_to_connect(settings: Settings) -> Client:
    """A Temporal connector for a server that is down."""
    raise RuntimeError(f"Failed client connect: {settings.temporal_address} refused")
