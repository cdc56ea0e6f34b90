"""The signalement on the time-skipping server, with the real activities and read model."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from domain.contracts import ProcedureView, SyncRequest
from store.tables import Step
from tests.builders import POLICE_EVRY, signalement_start
from workflows.signalement import SignalementWorkflow


async def start(client: Client, worker: Worker, **kwargs) -> WorkflowHandle:
    start_input = signalement_start(**kwargs)
    handle = await client.start_workflow(
        SignalementWorkflow.run,
        start_input,
        id=start_input.procedure_id,
        task_queue=worker.task_queue,
    )
    await handle.execute_update(SignalementWorkflow.sync, SyncRequest())
    return handle


async def test_signalement_opens_accuse_reception_for_the_police_of_evry(
    client, worker, read_model
):
    handle = await start(client, worker)
    view: ProcedureView = await handle.query(SignalementWorkflow.state)
    pending = [s for s in view.steps if s.pending]
    assert [s.key for s in pending] == ["accuse_reception"]
    assert pending[0].org == POLICE_EVRY
    # Created Monday 23 Nov 2026: 2 working days → Wednesday 25 Nov 2026.
    assert pending[0].due == date(2026, 11, 25)
    with Session(read_model) as session:
        step = session.exec(select(Step).where(Step.key == "accuse_reception")).one()
        assert step.status == "pending" and step.org_id == POLICE_EVRY
        assert step.due == date(2026, 11, 25)
