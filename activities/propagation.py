"""Repeating a decision in the linked procedures: the parquet decides once for one case."""

from __future__ import annotations

import logging

from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from domain.contracts import ProcedureView, Propagation

log = logging.getLogger(__name__)

COMPLETE_STEP_UPDATE = "complete_step"  # ProcedureWorkflow.complete_step (workflows sit above)


class PropagationActivities:
    """Sends the same completion to each linked procedure; refusals are expected and ignored
    (the step is not pending there, or waits on another organisation)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    @activity.defn(name="propagate_completion")
    async def propagate(self, propagation: Propagation) -> list[str]:
        """Complete the same step in the linked procedures; returns those that took it."""
        taken: list[str] = []
        for target in propagation.targets:
            handle = self.client.get_workflow_handle(target)
            try:
                await handle.execute_update(
                    COMPLETE_STEP_UPDATE, propagation.command, result_type=ProcedureView
                )
            except WorkflowUpdateFailedError:
                continue  # not waiting on this decision: nothing to repeat (or already done)
            except RPCError as error:
                if "not found" in str(error).lower() or "completed" in str(error).lower():
                    continue  # a closed procedure keeps what it had
                raise
            taken.append(target)
            log.info(
                "decision %s of %s repeated in %s",
                propagation.command.key,
                propagation.source_id,
                target,
            )
        return taken
