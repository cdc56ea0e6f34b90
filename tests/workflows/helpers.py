"""Driving a procedure on the time-skipping server: start, move legal time, complete steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.contracts import (
    CompleteStep,
    Declaration,
    Milestone,
    ProcedureStart,
    ProcedureView,
    SyncRequest,
)
from workflows.engine import ProcedureWorkflow

PARIS = ZoneInfo("Europe/Paris")


async def start_procedure(
    client: Client, worker: Worker, workflow: Any, start: ProcedureStart
) -> WorkflowHandle:
    """Start a procedure and wait until it is projected."""
    handle = await client.start_workflow(
        workflow.run, start, id=start.procedure_id, task_queue=worker.task_queue
    )
    await handle.execute_update(ProcedureWorkflow.sync, SyncRequest())
    return handle


async def skip_to(env: WorkflowEnvironment, day: date, at: time = time(12, 0)) -> None:
    """Move the server's clock to `day` at `at` (Europe/Paris), if it is not there yet."""
    target = datetime.combine(day, at, tzinfo=PARIS)
    delta = target - await env.get_current_time()
    if delta > timedelta(0):
        await env.sleep(delta)


async def complete(
    handle: WorkflowHandle, key: str, outcome: str, on: date, org: str, **data: Any
) -> ProcedureView:
    """Complete step `key` as organisation `org`."""
    command = CompleteStep(key=key, outcome=outcome, on=on, data=data, org=org, sub=f"{org}-agent")
    return await handle.execute_update(ProcedureWorkflow.complete_step, command)


async def declare(
    handle: WorkflowHandle, key: str, on: str, org: str, **data: str
) -> ProcedureView:
    """Declare event `key` on `on` ("YYYY-MM-DD") as organisation `org`."""
    declaration = Declaration(
        key=key, on=date.fromisoformat(on), org=org, sub=f"{org}-agent", data=data
    )
    return await handle.execute_update(ProcedureWorkflow.declare, declaration)


async def refused(call) -> str:  # type: ignore[no-untyped-def]
    """The French message of a refused update."""
    with pytest.raises(WorkflowUpdateFailedError) as error:
        await call
    return str(error.value.cause.message)  # type: ignore[union-attr]


async def view(handle: WorkflowHandle) -> ProcedureView:
    return await handle.query(ProcedureWorkflow.state)


def pending(state: ProcedureView) -> dict[str, Any]:
    """The pending steps by key."""
    return {s.key: s for s in state.steps if s.pending}


def due(state: ProcedureView, key: str) -> date | None:
    """The due date of the pending step `key`."""
    return pending(state)[key].due


def milestone(state: ProcedureView, key: str) -> Milestone:
    """The milestone `key` of the procedure."""
    return next(m for m in state.milestones if m.key == key)


@dataclass
class Acts:
    """A running procedure, acted on at legal dates."""

    env: WorkflowEnvironment
    handle: WorkflowHandle

    async def skip_to(self, day: date) -> None:
        """Move the server's clock to `day` (at noon, Europe/Paris), if it is not there yet."""
        await skip_to(self.env, day)

    async def view(self) -> ProcedureView:
        """The procedure's state now."""
        return await view(self.handle)

    async def act(
        self, key: str, outcome: str, on: date | str, org: str, **data: Any
    ) -> ProcedureView:
        """Move the server's clock to `on` (a date or "YYYY-MM-DD"), then complete step `key`
        as organisation `org`."""
        day = date.fromisoformat(on) if isinstance(on, str) else on
        await skip_to(self.env, day)
        return await complete(self.handle, key, outcome, day, org, **data)
