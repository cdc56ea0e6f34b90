"""The résiliation de bail through to expulsion, as procedures.md and law.md describe it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from temporalio import workflow

from domain.contracts import ExpulsionRequest, ProcedureStart, ProcedureView
from domain.outcomes import Audience, Renvoi
from domain.procedures.resiliation import (
    APPEAL,
    DEFINITION,
    JugementResiliation,
    OutcomeKey,
    Report,
    StepKey,
    TroublesPersistants,
    commandement_delay,
)
from domain.procedures.resiliation_facts import ResiliationFacts
from domain.steps import StepState
from workflows.engine import ProcedureWorkflow


@workflow.defn(name=DEFINITION.workflow)
class ResiliationWorkflow(ProcedureWorkflow[ResiliationFacts]):
    definition = DEFINITION

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute()

    async def flow(self) -> None:
        if self.facts.after_injonction:
            seizure = await self.injonction()
        else:
            seizure = await self.pre_contentieux(self.start.created_on)
        if seizure is not None:
            judgment = await self.hearing(seizure)
            if judgment.outcome == OutcomeKey.RESILIATION_PRONONCEE:
                await self.enforcement(judgment)
        await self.close(since=self.last_act_on())

    async def injonction(self) -> StepState | None:
        """CCH L. 442-4-3: the bailleur answers the préfet within 15 days, then goes to court
        within a month; otherwise the préfet may take its place."""
        assert self.facts.injonction is not None
        answer = await self.step(StepKey.REPONSE_INJONCTION, since=self.facts.injonction.date)
        if answer.outcome == OutcomeKey.ACCEPTEE:
            seizure = await self.step(StepKey.SAISINE_JUGE_APRES_INJONCTION, since=answer.done_on)
            if seizure.outcome == OutcomeKey.ASSIGNATION_DELIVREE:
                return seizure
        substitution = await self.step(StepKey.SUBSTITUTION_PREFET, since=self.last_act_on())
        return substitution if substitution.outcome == OutcomeKey.SUBSTITUE else None

    async def pre_contentieux(self, created_on: date) -> StepState | None:
        """Build the file, put the tenant on notice, maybe offer rehousing, then summon."""
        self.spawn(
            self.step(StepKey.DEMANDE_INFORMATION_PARQUET, since=created_on, document=self.letter())
        )
        dossier = await self.step(StepKey.CONSTITUTION_DOSSIER, since=created_on)
        notice = await self.step(
            StepKey.MISE_EN_DEMEURE, since=dossier.done_on, document=self.letter()
        )
        waited = await self.step(StepKey.DELAI_MISE_EN_DEMEURE, since=notice.done_on)
        if waited.outcome == OutcomeKey.TROUBLES_CESSES:
            return None
        last = waited
        if TroublesPersistants.of(waited).offre_relogement:
            # A refused offer is recorded: it lets the judge remove the 2-month delay.
            offer = await self.step(
                StepKey.OFFRE_RELOGEMENT, since=waited.done_on, document=self.letter()
            )
            if offer.outcome == OutcomeKey.ACCEPTEE:
                return None
            last = offer
        return await self.step(StepKey.ASSIGNATION, since=last.done_on)

    async def hearing(self, seizure: StepState) -> StepState:
        """The préfet is notified 6 weeks before the hearing when arrears are claimed; the
        hearing may be adjourned; then the judgment."""
        hearing_day = Audience.of(seizure).audience
        if self.facts.impayes:
            self.spawn(
                self.step(
                    StepKey.NOTIFICATION_PREFET_ASSIGNATION,
                    since=seizure.done_on,
                    counted_from=hearing_day,
                )
            )
        audience = await self.step(
            StepKey.AUDIENCE, since=seizure.done_on, on=hearing_day, on_label="audience fixée au"
        )
        while audience.outcome == OutcomeKey.RENVOI:
            audience = await self.step(
                StepKey.AUDIENCE,
                since=audience.done_on,
                on=Renvoi.of(audience).nouvelle_audience,
                on_label="audience renvoyée au",
            )
        return await self.step(StepKey.JUGEMENT, since=audience.done_on)

    async def enforcement(self, judgment: StepState) -> None:
        """Signification, commandement, the 2-month delay (suspended until the préfet and the
        CCAPEX are informed), the concours de la force publique, the expulsion."""
        served = await self.step(StepKey.SIGNIFICATION_JUGEMENT, since=judgment.done_on)
        await self.milestone(
            "delai_appel", "Fin du délai d'appel", since=served.done_on, rule=APPEAL
        )
        order = await self.step(StepKey.COMMANDEMENT_QUITTER_LES_LIEUX, since=served.done_on)
        runs_from = await self.suspended_until_informed(order.done_on)
        delay_end = await self.delay_end(JugementResiliation.of(judgment), runs_from)
        # Whether this delay keeps running during the trêve hivernale is an interpretation
        # (law.md: UNCONF); here it runs, and the trêve only pushes the expulsion date back.
        await self.wait_for_day(
            delay_end + timedelta(days=1), "Réquisition possible à l'expiration du délai"
        )
        request = await self.step(
            StepKey.REQUISITION_FORCE_PUBLIQUE, since=delay_end + timedelta(1)
        )
        decision = await self.step(StepKey.DECISION_CONCOURS_FORCE_PUBLIQUE, since=request.done_on)
        if decision.outcome != OutcomeKey.ACCORDE:
            await self.step(StepKey.RECOURS_INDEMNITAIRE, since=decision.done_on)
            return
        await self.expulsion(delay_end, decision.done_on)

    async def suspended_until_informed(self, ordered_on: date) -> date:
        """CPCE L. 412-5: the delay after the commandement runs only once the préfet and the
        CCAPEX are informed; the day it runs from."""
        self.note(
            "Délai avant expulsion suspendu tant que le préfet et la CCAPEX ne sont pas "
            "informés (art. L. 412-5 CPCE)",
            suspendu_le=ordered_on.isoformat(),
        )
        informed = await self.step(
            StepKey.INFORMATION_PREFET_CCAPEX,
            since=ordered_on,
            on=ordered_on,
            on_label="dès le commandement",
        )
        runs_from = max(ordered_on, informed.done_on)
        self.note(
            f"Le délai court à compter du {runs_from.isoformat()}", reprise_le=runs_from.isoformat()
        )
        return runs_from

    async def delay_end(self, judgment: JugementResiliation, runs_from: date) -> date:
        """The last day of the delay after the commandement, as the judgment adjusted it."""
        rule = commandement_delay(judgment)
        if rule is None:
            self.note("Délai de deux mois supprimé par le jugement (art. L. 412-1 CPCE)")
            return runs_from
        return await self.milestone(
            "fin_delai_commandement",
            "Fin du délai après le commandement",
            since=runs_from,
            rule=rule,
        )

    async def expulsion(self, delay_end: date, granted_on: date) -> None:
        """At the earliest legal date once the concours is granted; maybe postponed."""
        earliest = await self.earliest_expulsion(
            ExpulsionRequest(
                not_before=delay_end + timedelta(days=1),
                concours_le=granted_on,
                treve=self.start.policy.treve,
                exception=self.facts.exception_treve is not None,
            )
        )
        expulsion = await self.step(
            StepKey.EXPULSION, since=granted_on, on=earliest.due, on_label=earliest.explanation
        )
        while expulsion.outcome == OutcomeKey.REPORTEE:
            expulsion = await self.step(
                StepKey.EXPULSION,
                since=expulsion.done_on,
                on=Report.of(expulsion).nouvelle_date,
                on_label="expulsion reportée au",
            )

    def letter(self) -> dict[str, Any]:
        """The context of the bailleur's letters."""
        return {"date_document": workflow.now().date().isoformat(), "facts": self.start.facts}
