"""The résiliation de bail through to expulsion, as procedures.md and law.md describe it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from temporalio import workflow

from domain.calendar import DeadlineRule, Regime
from domain.catalog.resiliation import RESILIATION, check_completion
from domain.contracts import CompleteStep, ExpulsionRequest, ProcedureStart, ProcedureView
from domain.facts import OrigineResiliation, ResiliationFacts
from domain.steps import StepState
from workflows.engine import ProcedureWorkflow, done_on

APPEAL = DeadlineRule(
    months=1,
    regime=Regime.CIVIL,
    label="délai d'appel",
    legal_basis="art. 538 CPC ; appel non suspensif (art. 514 CPC)",
)


@workflow.defn(name="resiliation")
class ResiliationWorkflow(ProcedureWorkflow):
    catalog = RESILIATION

    @workflow.init
    def __init__(self, start: ProcedureStart) -> None:
        super().__init__(start)
        self.facts = ResiliationFacts.model_validate(start.facts)

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute(start)

    async def flow(self, start: ProcedureStart) -> None:
        if self.facts.origine == OrigineResiliation.INJONCTION_PREFET:
            seizure = await self.injonction()
        else:
            seizure = await self.pre_contentieux(start.created_on)
        if seizure is not None:
            judgment = await self.hearing(seizure)
            if judgment.outcome == "resiliation_prononcee":
                await self.enforcement(judgment)
        await self.step("cloture", since=self.last_act_on())

    async def injonction(self) -> StepState | None:
        """CCH L. 442-4-3: the bailleur answers the préfet within 15 days, then goes to court
        within a month; otherwise the préfet may take its place."""
        assert self.facts.injonction is not None
        answer = await self.step("reponse_injonction", since=self.facts.injonction.date)
        if answer.outcome == "acceptee":
            seizure = await self.step("saisine_juge_apres_injonction", since=done_on(answer))
            if seizure.outcome == "assignation_delivree":
                return seizure
        substitution = await self.step("substitution_prefet", since=self.last_act_on())
        return substitution if substitution.outcome == "substitue" else None

    async def pre_contentieux(self, created_on: date) -> StepState | None:
        """Build the file, put the tenant on notice, maybe offer rehousing, then summon."""
        self.spawn(
            self.step("demande_information_parquet", since=created_on, document=self.letter())
        )
        dossier = await self.step("constitution_dossier", since=created_on)
        notice = await self.step("mise_en_demeure", since=done_on(dossier), document=self.letter())
        waited = await self.step("delai_mise_en_demeure", since=done_on(notice))
        if waited.outcome == "troubles_cesses":
            return None
        last = waited
        if waited.data.get("offre_relogement"):
            # A refused offer is recorded: it lets the judge remove the 2-month delay.
            offer = await self.step(
                "offre_relogement", since=done_on(waited), document=self.letter()
            )
            if offer.outcome == "acceptee":
                return None
            last = offer
        return await self.step("assignation", since=done_on(last))

    async def hearing(self, seizure: StepState) -> StepState:
        """The préfet is notified 6 weeks before the hearing when arrears are claimed; the
        hearing may be adjourned; then the judgment."""
        hearing_day = date.fromisoformat(seizure.data["audience"])
        if self.facts.impayes:
            self.spawn(
                self.step(
                    "notification_prefet_assignation",
                    since=done_on(seizure),
                    counted_from=hearing_day,
                )
            )
        audience = await self.step(
            "audience", since=done_on(seizure), on=hearing_day, on_label="audience fixée au"
        )
        while audience.outcome == "renvoi":
            new_day = date.fromisoformat(audience.data["nouvelle_audience"])
            audience = await self.step(
                "audience", since=done_on(audience), on=new_day, on_label="audience renvoyée au"
            )
        return await self.step("jugement", since=done_on(audience))

    async def enforcement(self, judgment: StepState) -> None:
        """Signification, commandement, the 2-month delay (suspended until the préfet and the
        CCAPEX are informed), the concours de la force publique, the expulsion."""
        served = await self.step("signification_jugement", since=done_on(judgment))
        await self.milestone(
            "delai_appel", "Fin du délai d'appel", since=done_on(served), rule=APPEAL
        )
        order = await self.step("commandement_quitter_les_lieux", since=done_on(served))
        ordered_on = done_on(order)
        self.note(
            "Délai avant expulsion suspendu tant que le préfet et la CCAPEX ne sont pas "
            "informés (art. L. 412-5 CPCE)",
            suspendu_le=ordered_on.isoformat(),
        )
        informed = await self.step(
            "information_prefet_ccapex",
            since=ordered_on,
            on=ordered_on,
            on_label="dès le commandement",
        )
        runs_from = max(ordered_on, done_on(informed))
        self.note(
            f"Le délai court à compter du {runs_from.isoformat()}", reprise_le=runs_from.isoformat()
        )
        delay_end = await self.delay_end(judgment, runs_from)
        # Whether this delay keeps running during the trêve hivernale is an interpretation
        # (law.md: UNCONF); here it runs, and the trêve only pushes the expulsion date back.
        await self.wait_for_day(
            delay_end + timedelta(days=1), "Réquisition possible à l'expiration du délai"
        )
        request = await self.step("requisition_force_publique", since=delay_end + timedelta(1))
        decision = await self.step("decision_concours_force_publique", since=done_on(request))
        if decision.outcome != "accorde":
            await self.step("recours_indemnitaire", since=done_on(decision))
            return
        earliest = await self.earliest_expulsion(
            ExpulsionRequest(
                not_before=delay_end + timedelta(days=1),
                concours_le=done_on(decision),
                treve=self.start.policy.treve,
                exception=self.facts.exception_treve is not None,
            )
        )
        expulsion = await self.step(
            "expulsion", since=done_on(decision), on=earliest.due, on_label=earliest.explanation
        )
        while expulsion.outcome == "reportee":
            later = date.fromisoformat(expulsion.data["nouvelle_date"])
            expulsion = await self.step(
                "expulsion", since=done_on(expulsion), on=later, on_label="expulsion reportée au"
            )

    async def delay_end(self, judgment: StepState, runs_from: date) -> date:
        """The last day of the delay after the commandement, as the judgment adjusted it."""
        adjusted = judgment.data.get("delai_deux_mois", "maintenu")
        if adjusted == "supprime":
            self.note("Délai de deux mois supprimé par le jugement (art. L. 412-1 CPCE)")
            return runs_from
        if adjusted == "reduit":
            rule = DeadlineRule(
                days=int(judgment.data.get("delai_reduit_jours", 0)),
                label="délai réduit par le jugement",
                legal_basis="art. L. 412-1 CPCE",
            )
        else:
            rule = DeadlineRule(
                months=2, label="délai avant expulsion", legal_basis="art. L. 412-1 CPCE"
            )
        return await self.milestone(
            "fin_delai_commandement",
            "Fin du délai après le commandement",
            since=runs_from,
            rule=rule,
        )

    def letter(self) -> dict[str, Any]:
        """The context of the bailleur's letters."""
        return {"date_document": workflow.now().date().isoformat(), "facts": self.start.facts}

    def check_completion(self, state: StepState, command: CompleteStep) -> str | None:
        return check_completion(
            command.key, command.outcome, command.on, command.data, self.facts.impayes, state.due
        )
