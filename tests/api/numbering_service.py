"""A stand-in procedure service for sequences of calls: each start projects a new procedure
under a number of its own, and acts on procedures are refused as the workflows refuse them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from domain.steps import StepStatus
from quietude.procedures import (
    AssignRequest,
    DeclarationRequest,
    StartRequest,
    StepRefused,
    StepRequest,
)
from store.tables import Step
from tests.api.rows import FakeService, signalement_id


@dataclass
class NumberingService(FakeService):
    """FakeService whose starts number their procedures 1, 2, 3…; the ids it started."""

    started: list[str] = field(default_factory=list)

    async def start(self, request: StartRequest) -> str:
        """Project a fresh signalement under the next number."""
        self.next_id = signalement_id(len(self.started) + 1)
        self.started.append(self.next_id)
        return await super().start(request)

    async def complete_step(self, request: StepRequest) -> None:
        """Refuse as the workflow's validator would, else mark the step done."""
        with Session(self.engine) as session:
            row = session.exec(
                select(Step).where(
                    Step.procedure_id == request.procedure_id, Step.key == request.key
                )
            ).first()
        if row is None:
            raise StepRefused("UnknownStep", f"Étape inconnue : « {request.key} ».")
        if row.status != StepStatus.PENDING.value:
            raise StepRefused("StepNotPending", f"L'étape « {request.key} » n'est pas en attente.")
        if row.org_id != request.caller.org:
            raise StepRefused("WrongOrganisation", "Cette étape revient à une autre organisation.")
        await super().complete_step(request)

    async def declare(self, request: DeclarationRequest) -> None:
        """Record the declaration."""
        self.calls.append(("declare", (request.caller, request.procedure_id)))

    async def assign(self, request: AssignRequest) -> None:
        """Record the assignment."""
        self.calls.append(("assign", (request.caller, request.procedure_id, request.key)))
