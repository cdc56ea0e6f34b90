"""The assermentation of a staff member, then its active period: renewal, urgent suspension,
withdrawal, end of the commission."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from temporalio import workflow

from domain.calendar import french_date
from domain.contracts import ProcedureStart, ProcedureView
from domain.procedures.assermentation import (
    AGREMENT_END_MILESTONE,
    DEFINITION,
    STATUS_MILESTONE,
    AgentStatus,
    Arrete,
    AssermentationFacts,
    OutcomeKey,
    RouteAssermentation,
    StepKey,
    agrement_end,
)
from domain.steps import StepState
from workflows.engine import ProcedureWorkflow

WATCHED = {StepKey.SUSPENSION, StepKey.FIN_COMMISSION}  # declared by the préfet, the bailleur


@workflow.defn(name=DEFINITION.workflow)
class AssermentationWorkflow(ProcedureWorkflow[AssermentationFacts]):
    definition = DEFINITION

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute()

    async def flow(self) -> None:
        agrement = await self.approval(self.start.created_on)
        if agrement is not None:
            card = await self.step(StepKey.CARTE_AGREMENT, since=agrement.done_on)
            oath = await self.step(StepKey.PRESTATION_SERMENT, since=card.done_on)
            self.status(AgentStatus.ACTIF, oath.done_on)
            await self.active(self.agrement(agrement))
        await self.close(since=self.last_act_on())

    async def approval(self, created_on: date) -> StepState | None:
        """Training, aptitude (garde particulier), commission, application, the préfet's
        agrément; None when refused."""
        last = await self.step(StepKey.FORMATION, since=created_on)
        if self.facts.route == RouteAssermentation.GARDE_PARTICULIER:
            last = await self.step(StepKey.APTITUDE_TECHNIQUE, since=last.done_on)
            if last.outcome == OutcomeKey.REFUSEE:
                return None
        commission = await self.step(StepKey.COMMISSION, since=last.done_on)
        request = await self.step(StepKey.DEMANDE_AGREMENT, since=commission.done_on)
        agrement = await self.step(StepKey.INSTRUCTION_AGREMENT, since=request.done_on)
        return agrement if agrement.outcome == OutcomeKey.AGREE else None

    async def active(self, ends: date) -> None:
        """Until the agrément lapses, is withdrawn, or the commission ends."""
        lead = relativedelta(months=self.start.policy.renewal_lead_months)
        while True:
            declared = await self.until_declared(
                set(WATCHED), ends - lead, "Ouverture du renouvellement de l'agrément"
            )
            if declared is None:
                renewed = await self.renewal(ends, ends - lead)
                if renewed is None:
                    return
                ends = renewed
            elif declared.key == StepKey.FIN_COMMISSION:
                await self.step(
                    StepKey.FIN_COMMISSION, since=declared.on, on=declared.on, on_label="sans délai"
                )
                self.status(AgentStatus.COMMISSION_TERMINEE, declared.on)
                return
            elif not await self.suspended(declared.on):
                return

    async def renewal(self, ends: date, opens: date) -> date | None:
        """The renewal window before the agrément ends; the new end, or None when it lapses."""
        renewal = await self.step(
            StepKey.RENOUVELLEMENT, since=opens, on=ends, on_label="fin de l'agrément le"
        )
        if renewal.outcome == OutcomeKey.EXPIRE:
            self.status(AgentStatus.EXPIRE, ends)
            return None
        agrement = await self.step(StepKey.INSTRUCTION_AGREMENT, since=renewal.done_on)
        if agrement.outcome != OutcomeKey.AGREE:
            self.status(AgentStatus.NON_RENOUVELE, agrement.done_on)
            return None
        new_end = self.agrement(agrement)
        if self.facts.nouveau_serment_au_renouvellement:
            oath = await self.step(StepKey.PRESTATION_SERMENT, since=agrement.done_on)
            self.status(AgentStatus.ACTIF, oath.done_on)
        return new_end

    async def suspended(self, since: date) -> bool:
        """An urgent suspension (3 months, renewable once); False when the agrément is
        withdrawn."""
        self.status(AgentStatus.SUSPENDU, since)
        suspension = await self.step(StepKey.SUSPENSION, since=since)
        while suspension.outcome == OutcomeKey.RENOUVELEE:
            suspension = await self.step(StepKey.SUSPENSION, since=suspension.done_on)
        if suspension.outcome == OutcomeKey.RETRAIT:
            self.status(AgentStatus.RETIRE, suspension.done_on)
            return False
        self.status(AgentStatus.ACTIF, suspension.done_on)
        return True

    def agrement(self, agrement: StepState) -> date:
        """Show when the agrément ends (5 years after its arrêté) and return that day."""
        arrete_le = Arrete.of(agrement).arrete_le
        ends = agrement_end(arrete_le)
        self.milestone_on(
            AGREMENT_END_MILESTONE,
            "Agrément valable jusqu'au",
            ends,
            f"5 ans à compter de l'arrêté du {french_date(arrete_le)} (art. R. 15-33-27-1 CPP)",
        )
        return ends

    def status(self, status: AgentStatus, day: date) -> None:
        """The agent's status, shown on the register."""
        self.milestone_on(STATUS_MILESTONE, status, day, "")
