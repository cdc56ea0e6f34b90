"""The signalement as it would be with its last change made without `workflow.patched`."""

from __future__ import annotations

from temporalio import workflow

from domain.contracts import ProcedureStart, ProcedureView
from workflows.signalement import SignalementWorkflow


@workflow.defn(name="signalement")
class UnguardedSignalementWorkflow(SignalementWorkflow):
    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute()

    def announces_transmission(self) -> bool:
        return True
