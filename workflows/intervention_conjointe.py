"""The joint intervention: validated by both partners, planned, any number of actions in
parallel, the forces' report, then an evaluation against the territory's indicators."""

from __future__ import annotations

import asyncio
from datetime import date

from dateutil.relativedelta import relativedelta
from temporalio import workflow

from domain.contracts import IndicatorRequest, IndicatorResult, ProcedureStart, ProcedureView
from domain.procedures.intervention_conjointe import (
    DEFINITION,
    InterventionFacts,
    OutcomeKey,
    Plan,
    StepKey,
)
from workflows.calls import INDICATORS_ACTIVITY
from workflows.engine import ProcedureWorkflow


@workflow.defn(name=DEFINITION.workflow)
class InterventionWorkflow(ProcedureWorkflow[InterventionFacts]):
    definition = DEFINITION

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute()

    async def flow(self) -> None:
        opened_on = self.start.created_on
        validations = await asyncio.gather(
            self.step(StepKey.VALIDATION_BAILLEUR, since=opened_on),
            self.step(StepKey.VALIDATION_FORCES, since=opened_on),
        )
        if all(v.outcome == OutcomeKey.ACCEPTE for v in validations):
            await self.carry_out(max(v.done_on for v in validations))
        await self.close(since=self.last_act_on())

    async def carry_out(self, validated_on: date) -> None:
        """Plan, act (one step per action, each for the organisation the plan names), report,
        then evaluate once the effects can be measured."""
        plan = await self.step(StepKey.PLANIFICATION, since=validated_on)
        actions = Plan.of(plan).actions
        await asyncio.gather(
            *(
                self.step(
                    StepKey.ACTION,
                    since=plan.done_on,
                    on=action.date,
                    org=action.org,
                    on_label=action.libelle,
                )
                for action in actions
            )
        )
        first = min(a.date for a in actions)
        last = max(a.date for a in actions)
        await self.step(StepKey.COMPTE_RENDU, since=last)
        opens = last + relativedelta(months=self.start.policy.evaluation_delay_months)
        await self.wait_for_day(opens, "Évaluation des effets")
        await self.measure(first, opens)
        await self.step(StepKey.EVALUATION, since=opens)

    async def measure(self, first: date, opens: date) -> None:
        """The facts reported on the territory before the first action and after it, over
        periods of the same length, on the timeline."""
        span = opens - first
        indicators: IndicatorResult = await self.activity(
            INDICATORS_ACTIVITY,
            IndicatorRequest(
                commune_insee=self.start.commune_insee,
                residence_nom=self.facts.residence.nom,
                before_from=first - span,
                before_to=first,
                after_from=first,
                after_to=opens,
            ),
            result_type=IndicatorResult,
        )
        self.note(
            f"Indicateurs du territoire : {sum(indicators.before.values())} faits signalés "
            f"avant, {sum(indicators.after.values())} après",
            avant=indicators.before,
            apres=indicators.after,
            periode_avant=[(first - span).isoformat(), first.isoformat()],
            periode_apres=[first.isoformat(), opens.isoformat()],
        )
