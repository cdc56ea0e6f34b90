"""The assermentation as it ran before the agent was marked without powers between the end of
its agrément and its renewal, and that change made without `workflow.patched`."""

from __future__ import annotations

from temporalio import workflow

from domain.contracts import ProcedureStart, ProcedureView
from workflows.assermentation import AssermentationWorkflow


@workflow.defn(name="assermentation")
class AssermentationBeforeTheGap(AssermentationWorkflow):
    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute()

    def gap_watched(self) -> bool:
        return False


@workflow.defn(name="assermentation")
class UnguardedAssermentation(AssermentationWorkflow):
    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute()

    def gap_watched(self) -> bool:
        return True
