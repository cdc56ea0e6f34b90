"""Work assignment inside an organisation: the bodies, and the bulk reassignment of every pending
step of one person to another (e.g. when a référent leaves)."""

from __future__ import annotations

import asyncio
import logging

from pydantic import Field, model_validator
from sqlalchemy import Engine
from sqlmodel import Session

from api.deps import ServiceProvider
from api.schemas import MovedStep, ReassignResult
from domain.facts import Strict
from quietude.procedures import AssignRequest, StepRefused
from quietude.tokens import Claims
from store.queries import TaskFilters, TaskRow, inbox

log = logging.getLogger(__name__)

# Parallel workflow updates of one bulk reassignment: enough to be quick, few enough to be
# gentle with Temporal and the read model.
PARALLEL_ASSIGNMENTS = 8
# A step completed or a procedure closed between the selection and the update: nothing to move.
GONE = frozenset({"StepNotPending", "NotOpen", "NotFound"})


class AssigneeBody(Strict):
    """The body of POST /api/procedures/{id}/steps/{key}/assignee."""

    sub: str = Field(min_length=1, max_length=200, description="identifiant de la personne")


class ReassignBody(Strict):
    """The body of POST /api/tasks/reassign: every pending step of `from` goes to `to`."""

    from_sub: str = Field(alias="from", min_length=1, max_length=200)
    to_sub: str = Field(alias="to", min_length=1, max_length=200)

    @model_validator(mode="after")
    def _two_people(self) -> ReassignBody:
        if self.from_sub == self.to_sub:
            raise ValueError("la personne qui reprend les étapes doit être une autre personne")
        return self


def steps_of(engine: Engine, org_id: str, sub: str) -> list[TaskRow]:
    """The pending steps of organisation `org_id` assigned to person `sub`."""
    with Session(engine) as session:
        return inbox(session, org_id, TaskFilters(assignee=sub))


async def reassign_all(
    services: ServiceProvider, rows: list[TaskRow], caller: Claims, to_sub: str
) -> ReassignResult:
    """Assign each step of `rows` to `to_sub` through its workflow (each records the change on
    its timeline); the steps no longer pending are left out of the answer."""
    gate = asyncio.Semaphore(PARALLEL_ASSIGNMENTS)
    service = await services.get()

    async def move(row: TaskRow) -> MovedStep | None:
        async with gate:
            try:
                await service.assign(
                    AssignRequest(
                        caller=caller,
                        procedure_id=row.procedure.id,
                        key=row.step.key,
                        assignee_sub=to_sub,
                    )
                )
            except StepRefused as refusal:
                if refusal.kind not in GONE:
                    raise
                log.info("%s of %s not reassigned: %s", row.step.key, row.procedure.id, refusal)
                return None
        return MovedStep(procedure_id=row.procedure.id, key=row.step.key)

    moved = [m for m in await asyncio.gather(*(move(row) for row in rows)) if m is not None]
    return ReassignResult(moved=moved, count=len(moved))
