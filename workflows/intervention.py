"""The joint intervention: validated by both partners, planned, any number of actions in
parallel, the forces' report, then an evaluation against the territory's indicators."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from temporalio import workflow

from domain.catalog.intervention import INTERVENTION, plan_error
from domain.contracts import (
    CompleteStep,
    IndicatorRequest,
    IndicatorResult,
    ProcedureStart,
    ProcedureView,
)
from domain.facts import ActionPrevue, InterventionFacts
from domain.steps import StepState
from workflows.engine import ProcedureWorkflow, done_on
from workflows.state import ACTIVITY_RETRY

INDICATORS_ACTIVITY = "territory_indicators"


@workflow.defn(name="intervention_conjointe")
class InterventionWorkflow(ProcedureWorkflow):
    catalog = INTERVENTION

    @workflow.init
    def __init__(self, start: ProcedureStart) -> None:
        super().__init__(start)
        self.facts = InterventionFacts.model_validate(start.facts)

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute(start)

    async def flow(self, start: ProcedureStart) -> None:
        validations = await asyncio.gather(
            self.step("validation_bailleur", since=start.created_on),
            self.step("validation_forces", since=start.created_on),
        )
        if all(v.outcome == "accepte" for v in validations):
            await self.carry_out(max(done_on(v) for v in validations))
        await self.step("cloture", since=self.last_act_on())

    async def carry_out(self, validated_on: date) -> None:
        """Plan, act (one step per action, each for the organisation the plan names), report,
        then evaluate once the effects can be measured."""
        plan = await self.step("planification", since=validated_on)
        actions = [ActionPrevue.model_validate(a) for a in plan.data["actions"]]
        await asyncio.gather(
            *(
                self.step(
                    "action",
                    since=done_on(plan),
                    on=action.date,
                    org=action.org,
                    on_label=action.libelle,
                )
                for action in actions
            )
        )
        first = min(a.date for a in actions)
        last = max(a.date for a in actions)
        await self.step("compte_rendu", since=last)
        opens = last + relativedelta(months=self.start.policy.evaluation_delay_months)
        await self.wait_for_day(opens, "Évaluation des effets")
        span = opens - first
        indicators: IndicatorResult = await workflow.execute_activity(
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
            start_to_close_timeout=timedelta(minutes=1),
            retry_policy=ACTIVITY_RETRY,
        )
        self.note(
            f"Indicateurs du territoire : {sum(indicators.before.values())} faits signalés "
            f"avant, {sum(indicators.after.values())} après",
            avant=indicators.before,
            apres=indicators.after,
            periode_avant=[(first - span).isoformat(), first.isoformat()],
            periode_apres=[first.isoformat(), opens.isoformat()],
        )
        await self.step("evaluation", since=opens)

    def check_completion(self, state: StepState, command: CompleteStep) -> str | None:
        if command.outcome == "planifiee":
            return plan_error(command.data.get("actions"))
        return None
