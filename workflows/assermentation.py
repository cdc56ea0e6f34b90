"""The assermentation of a staff member, then its active period: renewal, urgent suspension,
withdrawal, end of the commission.

Procedures started before a change replay as they ran: the agent without powers from the day
after the agrément's end while its renewal is examined (AGREMENT_GAP_PATCH)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from temporalio import workflow

from domain.calendar import french_date
from domain.contracts import ProcedureStart, ProcedureView
from domain.procedures.assermentation import (
    AGREMENT_END_MILESTONE,
    DEFINITION,
    STATUS_MILESTONE,
    VALIDITY_BASES,
    AgentStatus,
    ArreteAgrement,
    AssermentationFacts,
    OutcomeKey,
    RouteAssermentation,
    StepKey,
    agrement_end,
    legal_basis,
    suspension_rule,
)
from domain.steps import StepState
from workflows.engine import ProcedureWorkflow

WATCHED = {StepKey.SUSPENSION, StepKey.FIN_COMMISSION}  # declared by the préfet, the bailleur
AGREMENT_GAP_PATCH = "agrement-expire-en-renouvellement"


@workflow.defn(name=DEFINITION.workflow)
class AssermentationWorkflow(ProcedureWorkflow[AssermentationFacts]):
    definition = DEFINITION

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute()

    async def flow(self) -> None:
        agrement = await self.approval(self.start.created_on)
        if agrement is not None:
            card = await self.act(StepKey.CARTE_AGREMENT, since=agrement.done_on)
            oath = await self.act(StepKey.PRESTATION_SERMENT, since=card.done_on)
            self.status(AgentStatus.ACTIF, oath.done_on)
            await self.active(self.agrement(agrement))
        await self.close(since=self.last_act_on())

    async def act(self, key: StepKey, *, since: date, **options: Any) -> StepState:
        """Step `key`, citing the texts of the agent's route."""
        return await self.step(
            key, since=since, legal_basis=legal_basis(self.facts.route, key), **options
        )

    async def approval(self, created_on: date) -> StepState | None:
        """Training, aptitude (garde particulier), commission, application, the préfet's
        agrément; None when refused."""
        last = await self.act(StepKey.FORMATION, since=created_on)
        if self.facts.route == RouteAssermentation.GARDE_PARTICULIER:
            last = await self.act(StepKey.APTITUDE_TECHNIQUE, since=last.done_on)
            if last.outcome == OutcomeKey.REFUSEE:
                return None
        commission = await self.act(StepKey.COMMISSION, since=last.done_on)
        request = await self.act(StepKey.DEMANDE_AGREMENT, since=commission.done_on)
        agrement = await self.act(StepKey.INSTRUCTION_AGREMENT, since=request.done_on)
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
                await self.act(
                    StepKey.FIN_COMMISSION, since=declared.on, on=declared.on, on_label="sans délai"
                )
                self.status(AgentStatus.COMMISSION_TERMINEE, declared.on)
                return
            elif not await self.suspended(declared.on):
                return

    async def renewal(self, ends: date, opens: date) -> date | None:
        """The renewal window before the agrément ends; the new end, or None when it lapses."""
        renewal = await self.act(
            StepKey.RENOUVELLEMENT, since=opens, on=ends, on_label="fin de l'agrément le"
        )
        if renewal.outcome == OutcomeKey.EXPIRE:
            self.status(AgentStatus.EXPIRE, ends)
            return None
        decided = False
        gap = self.spawn(self.lapse(ends, lambda: decided)) if self.gap_watched() else None
        agrement = await self.act(StepKey.INSTRUCTION_AGREMENT, since=renewal.done_on)
        decided = True
        lapsed = gap is not None and await gap
        if agrement.outcome != OutcomeKey.AGREE:
            self.status(AgentStatus.NON_RENOUVELE, agrement.done_on)
            return None
        new_end = self.agrement(agrement)
        if self.facts.nouveau_serment_au_renouvellement:
            oath = await self.act(StepKey.PRESTATION_SERMENT, since=agrement.done_on)
            self.status(AgentStatus.ACTIF, oath.done_on)
        elif lapsed:
            # The powers come back with the new arrêté (R. 15-33-27-1 CPP; R. 614-15 CSI).
            self.status(AgentStatus.ACTIF, ArreteAgrement.of(agrement).arrete_le)
        return new_end

    def gap_watched(self) -> bool:
        """Whether this run marks the agent without powers once the agrément has ended during
        its renewal (not in procedures started before)."""
        return workflow.patched(AGREMENT_GAP_PATCH)

    async def lapse(self, ends: date, decided: Callable[[], bool]) -> bool:
        """From 00:00 the day after `ends`, unless the renewal is decided first, the agent has
        no powers; whether that day came first."""
        lapses_on = ends + timedelta(days=1)
        await self.wait_for_day(lapses_on, "Fin de l'agrément pendant son renouvellement", decided)
        if decided():
            return False
        self.status(AgentStatus.AGREMENT_EXPIRE, lapses_on)
        return True

    async def suspended(self, since: date) -> bool:
        """An urgent suspension (3 months, renewable once); False when the agrément is
        withdrawn."""
        self.status(AgentStatus.SUSPENDU, since)
        rule = suspension_rule(self.facts.route)
        suspension = await self.act(StepKey.SUSPENSION, since=since, rule=rule)
        while suspension.outcome == OutcomeKey.RENOUVELEE:
            suspension = await self.act(StepKey.SUSPENSION, since=suspension.done_on, rule=rule)
        if suspension.outcome == OutcomeKey.RETRAIT:
            self.status(AgentStatus.RETIRE, suspension.done_on)
            return False
        self.status(AgentStatus.ACTIF, suspension.done_on)
        return True

    def agrement(self, agrement: StepState) -> date:
        """Show when the agrément ends (the end its arrêté states, else 5 years after it) and
        return that day."""
        arrete = ArreteAgrement.of(agrement)
        ends = agrement_end(arrete)
        since = f"l'arrêté du {french_date(arrete.arrete_le)}"
        basis = VALIDITY_BASES[self.facts.route]
        self.milestone_on(
            AGREMENT_END_MILESTONE,
            "Agrément valable jusqu'au",
            ends,
            f"fin indiquée par {since} ({basis})"
            if arrete.fin_le
            else f"5 ans à compter de {since} ({basis})",
        )
        return ends

    def status(self, status: AgentStatus, day: date) -> None:
        """The agent's status, shown on the register."""
        self.milestone_on(STATUS_MILESTONE, status.label, day, "")
