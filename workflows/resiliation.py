"""The résiliation de bail through to expulsion, as procedures.md and law.md describe it.

Changes to a flow already running are guarded by patches, so that dossiers started before them
replay as they ran: the rehousing offer recorded as sent then answered (OFFER_PATCH), the CCAPEX
referral before an assignation resting on a debt (CCAPEX_PATCH), the réquisition renewed after a
refusal with the claim against the State beside it (REQUISITION_PATCH).
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from temporalio import workflow

from domain.calendar import expulsion_refusal, french_date
from domain.contracts import (
    DeadlineResult,
    Declaration,
    ExpulsionRequest,
    ProcedureStart,
    ProcedureView,
)
from domain.outcomes import Audience, Renvoi
from domain.procedures.resiliation import DEFINITION
from domain.procedures.resiliation_facts import ResiliationFacts
from domain.procedures.resiliation_outcomes import (
    DelaisAccordes,
    JugementResiliation,
    OutcomeKey,
    Report,
    StepKey,
    TroublesPersistants,
)
from domain.procedures.resiliation_rules import (
    CCAPEX_DELAY,
    DELAY_MILESTONE,
    appeal_rule,
    commandement_delay,
    delays_end,
)
from domain.steps import StepState
from workflows.engine import ProcedureWorkflow

OFFER_PATCH = "offre-relogement-envoi"
CCAPEX_PATCH = "ccapex-avant-assignation"
REQUISITION_PATCH = "requisition-renouvelee"
Step, Out = StepKey, OutcomeKey
GRANTED_LATE = "Concours de la force publique accordé après un refus"


@workflow.defn(name=DEFINITION.workflow)
class ResiliationWorkflow(ProcedureWorkflow[ResiliationFacts]):
    definition = DEFINITION
    # Known once the commandement's delay is computed: its last day, and the judgment.
    delay_end: date | None = None
    judgment: JugementResiliation | None = None
    concours_on: date | None = None  # the day the concours was granted
    granted_late = False  # granted by a declaration, after a refusal
    claim: asyncio.Task[Any] | None = None  # the claim against the State, beside the flow

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
            if judgment.outcome == Out.RESILIATION_PRONONCEE:
                await self.enforcement(judgment)
        await self.close(since=self.last_act_on())

    async def injonction(self) -> StepState | None:
        """CCH L. 442-4-3: the bailleur answers the préfet within 15 days, then goes to court
        within a month; otherwise the préfet may take its place."""
        assert self.facts.injonction is not None
        answer = await self.step(Step.REPONSE_INJONCTION, since=self.facts.injonction.date)
        if answer.outcome == Out.ACCEPTEE:
            seizure = await self.step(Step.SAISINE_JUGE_APRES_INJONCTION, since=answer.done_on)
            if seizure.outcome == Out.ASSIGNATION_DELIVREE:
                return seizure
        substitution = await self.step(Step.SUBSTITUTION_PREFET, since=self.last_act_on())
        return substitution if substitution.outcome == Out.SUBSTITUE else None

    async def pre_contentieux(self, created_on: date) -> StepState | None:
        """Build the file, put the tenant on notice (and refer a debt to the CCAPEX meanwhile),
        maybe offer rehousing, then summon."""
        self.spawn(
            self.step(Step.DEMANDE_INFORMATION_PARQUET, since=created_on, document=self.letter())
        )
        dossier = await self.step(Step.CONSTITUTION_DOSSIER, since=created_on)
        referral = None
        if self.facts.impayes and workflow.patched(CCAPEX_PATCH):
            referral = self.spawn(self.ccapex(dossier.done_on))
        notice = await self.step(
            Step.MISE_EN_DEMEURE, since=dossier.done_on, document=self.letter()
        )
        waited = await self.step(Step.DELAI_MISE_EN_DEMEURE, since=notice.done_on)
        if waited.outcome == Out.TROUBLES_CESSES:
            return None
        last = waited
        if TroublesPersistants.of(waited).offre_relogement:
            # A refused offer is recorded: it lets the judge remove the 2-month delay.
            last = await self.rehousing_offer(waited.done_on)
            if last.outcome == Out.ACCEPTEE:
                return None
        if referral is None:
            return await self.step(Step.ASSIGNATION, since=last.done_on)
        first_day: date = await referral
        return await self.step(
            Step.ASSIGNATION,
            since=last.done_on,
            counted_from=max(last.done_on, first_day),
            not_before=first_day,
        )

    async def rehousing_offer(self, since: date) -> StepState:
        """CCH L. 442-4-1: the offer is sent by LRAR; the tenant's month runs from its sending."""
        if not workflow.patched(OFFER_PATCH):
            return await self.step(Step.OFFRE_RELOGEMENT, since=since, document=self.letter())
        sent = await self.step(
            Step.ENVOI_OFFRE_RELOGEMENT,
            since=since,
            document=self.letter(),
            letter=Step.OFFRE_RELOGEMENT,
        )
        return await self.step(Step.REPONSE_OFFRE_RELOGEMENT, since=sent.done_on)

    async def ccapex(self, since: date) -> date:
        """Loi 89 art. 24 II and IV: the referral to the CCAPEX, then two months before the
        assignation; the first day it may be delivered."""
        referral = await self.step(Step.SAISINE_CCAPEX, since=since)
        last = await self.milestone(
            "fin_delai_ccapex",
            "Fin du délai après la saisine de la CCAPEX (assignation possible le lendemain)",
            since=referral.done_on,
            rule=CCAPEX_DELAY,
        )
        return last + timedelta(days=1)

    async def hearing(self, seizure: StepState) -> StepState:
        """The préfet is notified 6 weeks before the hearing when arrears are claimed; the
        hearing may be adjourned; then the judgment."""
        hearing_day = Audience.of(seizure).audience
        if self.facts.impayes:
            self.spawn(
                self.step(
                    Step.NOTIFICATION_PREFET_ASSIGNATION,
                    since=seizure.done_on,
                    counted_from=hearing_day,
                )
            )
        audience = await self.step(
            Step.AUDIENCE, since=seizure.done_on, on=hearing_day, on_label="audience fixée au"
        )
        while audience.outcome == Out.RENVOI:
            audience = await self.step(
                Step.AUDIENCE,
                since=audience.done_on,
                on=Renvoi.of(audience).nouvelle_audience,
                on_label="audience renvoyée au",
            )
        return await self.step(Step.JUGEMENT, since=audience.done_on)

    async def enforcement(self, judgment: StepState) -> None:
        """Signification, commandement, the 2-month delay (suspended until the préfet and the
        CCAPEX are informed) and every délai granted, the concours de la force publique, the
        expulsion."""
        self.judgment = JugementResiliation.of(judgment)
        served = await self.step(Step.SIGNIFICATION_JUGEMENT, since=judgment.done_on)
        await self.milestone(
            "delai_appel",
            "Fin du délai d'appel",
            since=served.done_on,
            rule=appeal_rule(self.judgment),
        )
        order = await self.step(Step.COMMANDEMENT_QUITTER_LES_LIEUX, since=served.done_on)
        runs_from = await self.suspended_until_informed(order.done_on)
        self.delay_end = await self.commandement_delay_end(self.judgment, runs_from)
        await self.until_delays_end()
        granted_on = await self.concours()
        if granted_on is not None:
            await self.expulsion(granted_on)
        if self.claim is not None:
            await self.claim

    async def suspended_until_informed(self, ordered_on: date) -> date:
        """CPCE L. 412-5: the delay after the commandement runs only once the préfet and the
        CCAPEX are informed; the day it runs from."""
        self.note(
            "Délai avant expulsion suspendu tant que le préfet et la CCAPEX ne sont pas "
            "informés (art. L. 412-5 CPCE)",
            suspendu_le=ordered_on.isoformat(),
        )
        informed = await self.step(
            Step.INFORMATION_PREFET_CCAPEX,
            since=ordered_on,
            on=ordered_on,
            on_label="dès le commandement",
        )
        runs_from = max(ordered_on, informed.done_on)
        self.note(
            f"Le délai court à compter du {runs_from.isoformat()}", reprise_le=runs_from.isoformat()
        )
        return runs_from

    async def commandement_delay_end(self, judgment: JugementResiliation, runs_from: date) -> date:
        """The last day of the delay after the commandement, as the judgment adjusted it."""
        rule = commandement_delay(judgment)
        if rule is None:
            self.note("Délai de deux mois supprimé par le jugement (art. L. 412-1 CPCE)")
            return runs_from
        return await self.milestone(
            DELAY_MILESTONE, "Fin du délai après le commandement", since=runs_from, rule=rule
        )

    def delays_end(self) -> date:
        """The last day of the commandement's delay and of every délai granted so far."""
        assert self.delay_end is not None and self.judgment is not None
        return delays_end(self.delay_end, self.judgment, self.granted_delays())

    def granted_delays(self) -> list[DelaisAccordes]:
        return [
            DelaisAccordes.model_validate(d.data)
            for d in self.dossier.declarations
            if d.key == Out.DELAIS_ACCORDES
        ]

    async def until_delays_end(self) -> None:
        """No réquisition before the end of every delay (CPCE L. 412-1 to L. 412-4): wait for
        the day after it; délais declared meanwhile push that day back."""
        # Whether the delay keeps running during the trêve hivernale is an interpretation
        # (law.md: UNCONF); here it runs, and the trêve only pushes the expulsion date back.
        while await self.until_declared(
            {Out.DELAIS_ACCORDES},
            self.delays_end() + timedelta(days=1),
            "Réquisition possible à l'expiration du délai",
        ):
            pass

    async def concours(self) -> date | None:
        """The réquisition and the préfet's decision; after a refusal (express or silent) the
        claim against the State opens beside the flow, the réquisition may be renewed any number
        of times, and a late grant may be declared. The day the concours was granted, or None
        when the bailleur gives up."""
        since, renewed = self.delays_end() + timedelta(days=1), False
        while True:
            # A renewal after a refusal is the bailleur's choice: tracked, never overdue.
            request = await self.step(
                Step.REQUISITION_FORCE_PUBLIQUE,
                since=since,
                not_before=self.first_lawful_day(),
                due=not renewed,
            )
            if self.granted_late:
                return self.concours_on
            if request.outcome == Out.RENONCE:
                return None
            decision = await self.step(Step.DECISION_CONCOURS_FORCE_PUBLIQUE, since=request.done_on)
            if self.granted_late:
                return self.concours_on
            if decision.outcome == Out.ACCORDE:
                self.concours_on = decision.done_on
                return decision.done_on
            if not workflow.patched(REQUISITION_PATCH):
                await self.step(Step.RECOURS_INDEMNITAIRE, since=decision.done_on)
                return None
            if self.claim is None:
                self.claim = self.spawn(
                    self.step(Step.RECOURS_INDEMNITAIRE, since=decision.done_on)
                )
            since, renewed = decision.done_on, True

    def first_lawful_day(self) -> date:
        """The day after the end of every delay: the first a réquisition may be made."""
        return self.delays_end() + timedelta(days=1)

    async def expulsion(self, granted_on: date) -> None:
        """At the earliest lawful date once the concours is granted; maybe postponed to another
        lawful date (checked on completion)."""
        earliest = await self.earliest(granted_on)
        expulsion = await self.step(
            Step.EXPULSION,
            since=granted_on,
            on=earliest.due,
            on_label=earliest.explanation,
            not_before=max(self.first_lawful_day(), granted_on),
        )
        while expulsion.outcome == Out.REPORTEE:
            expulsion = await self.step(
                Step.EXPULSION,
                since=expulsion.done_on,
                on=Report.of(expulsion).nouvelle_date,
                on_label="expulsion reportée au",
                not_before=max(self.first_lawful_day(), granted_on),
            )

    async def earliest(self, granted_on: date) -> DeadlineResult:
        """The earliest lawful expulsion: after every delay, the concours, the trêve as it now
        stands, not on a Sunday or a public holiday."""
        return await self.earliest_expulsion(
            ExpulsionRequest(
                not_before=self.first_lawful_day(),
                not_before_reason=self.delays_reason(),
                concours_le=granted_on,
                treve=self.dossier.policy.treve,
                exception=self.facts.exception_treve is not None,
            )
        )

    def delays_reason(self) -> str:
        """Why no expulsion before the day after the delays: the last of them to end."""
        assert self.delay_end is not None
        end = self.delays_end()
        if end == self.delay_end:
            return (
                f"fin du délai après le commandement le {french_date(end)} (art. L. 412-1 "
                "CPCE), lendemain"
            )
        return (
            f"fin des délais accordés le {french_date(end)} (art. L. 412-2 à L. 412-4 CPCE), "
            "lendemain"
        )

    # ----- what the procedure does at once when told -----------------------------------------

    async def declared(self, declaration: Declaration) -> None:
        """Délais granted move what waits on them; a late grant of the concours ends the
        pending réquisition and opens the expulsion."""
        if declaration.key == Out.DELAIS_ACCORDES:
            granted = DelaisAccordes.model_validate(declaration.data)
            self.milestone_on(
                "fin_delais_accordes",
                "Fin des délais accordés",
                granted.jusqu_au,
                f"{granted.fondement.label}, {granted.juge.label.lower()}, décision du "
                f"{french_date(declaration.on)} : ni réquisition ni expulsion avant le "
                f"{french_date(granted.jusqu_au + timedelta(days=1))}",
            )
            await self.follow_delays()
        elif declaration.key == Out.CONCOURS_ACCORDE:
            self.concours_on, self.granted_late = declaration.on, True
            for state in self.pending(
                Step.REQUISITION_FORCE_PUBLIQUE, Step.DECISION_CONCOURS_FORCE_PUBLIQUE
            ):
                self.skip(state, GRANTED_LATE)

    async def policy_revised(self) -> None:
        """A trêve whose end a text moved: the pending expulsion's date is checked again."""
        await self.follow_delays()

    async def follow_delays(self) -> None:
        """Give the pending réquisition and expulsion the first day the delays, the concours
        and the trêve now allow; a postponed expulsion keeps its date while it stays lawful."""
        if self.delay_end is None:
            return  # the flow reads the délais when it reaches the commandement
        first = self.first_lawful_day()
        for state in self.pending(Step.REQUISITION_FORCE_PUBLIQUE):
            state.not_before = first
        for state in self.pending(Step.EXPULSION):
            assert self.concours_on is not None and state.due is not None
            lawful = expulsion_refusal(
                state.due,
                max(first, self.concours_on),
                self.dossier.policy.treve,
                self.facts.exception_treve is not None,
            )
            if state.seq > 1 and lawful is None:
                state.not_before = max(first, self.concours_on)
                continue
            earliest = await self.earliest(self.concours_on)
            if earliest.due != state.due:
                await self.reschedule(
                    state,
                    on=earliest.due,
                    on_label=earliest.explanation,
                    not_before=max(first, self.concours_on),
                )

    def pending(self, *keys: str) -> list[StepState]:
        return [s for s in self.dossier.steps if s.pending and s.key in keys]

    def letter(self) -> dict[str, Any]:
        """The context of the bailleur's letters."""
        return {"date_document": workflow.now().date().isoformat(), "facts": self.start.facts}
