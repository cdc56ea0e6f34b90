"""The assermentation of a staff member, then its active period: renewal, urgent suspension,
withdrawal, end of the commission."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from temporalio import workflow

from domain.calendar import french_date
from domain.catalog.assermentation import ASSERMENTATION, agrement_end, check_completion
from domain.contracts import CompleteStep, ProcedureStart, ProcedureView
from domain.facts import AssermentationFacts, RouteAssermentation
from domain.steps import StepState
from workflows.engine import ProcedureWorkflow, done_on

WATCHED = {"suspension", "fin_commission"}


@workflow.defn(name="assermentation")
class AssermentationWorkflow(ProcedureWorkflow):
    catalog = ASSERMENTATION

    @workflow.init
    def __init__(self, start: ProcedureStart) -> None:
        super().__init__(start)
        self.facts = AssermentationFacts.model_validate(start.facts)

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute(start)

    async def flow(self, start: ProcedureStart) -> None:
        agrement = await self.approval(start.created_on)
        if agrement is not None:
            card = await self.step("carte_agrement", since=done_on(agrement))
            oath = await self.step("prestation_serment", since=done_on(card))
            self.status("Agent actif depuis le", done_on(oath))
            await self.active(self.agrement(agrement))
        await self.step("cloture", since=self.last_act_on())

    async def approval(self, created_on: date) -> StepState | None:
        """Training, aptitude (garde particulier), commission, application, the préfet's
        agrément; None when refused."""
        last = await self.step("formation", since=created_on)
        if self.facts.route == RouteAssermentation.GARDE_PARTICULIER:
            last = await self.step("aptitude_technique", since=done_on(last))
            if last.outcome == "refusee":
                return None
        commission = await self.step("commission", since=done_on(last))
        request = await self.step("demande_agrement", since=done_on(commission))
        agrement = await self.step("instruction_agrement", since=done_on(request))
        return agrement if agrement.outcome == "agree" else None

    async def active(self, ends: date) -> None:
        """Until the agrément lapses, is withdrawn, or the commission ends."""
        lead = relativedelta(months=self.start.policy.renewal_lead_months)
        while True:
            declared = await self.until_declared(
                WATCHED, ends - lead, "Ouverture du renouvellement de l'agrément"
            )
            if declared is None:
                renewal = await self.step(
                    "renouvellement", since=ends - lead, on=ends, on_label="fin de l'agrément le"
                )
                if renewal.outcome == "expire":
                    self.status("Agrément expiré le", ends)
                    return
                agrement = await self.step("instruction_agrement", since=done_on(renewal))
                if agrement.outcome != "agree":
                    self.status("Agrément non renouvelé le", done_on(agrement))
                    return
                ends = self.agrement(agrement)
                if self.facts.nouveau_serment_au_renouvellement:
                    oath = await self.step("prestation_serment", since=done_on(agrement))
                    self.status("Agent actif depuis le", done_on(oath))
            elif declared.key == "fin_commission":
                await self.step(
                    "fin_commission", since=declared.on, on=declared.on, on_label="sans délai"
                )
                self.status("Commission terminée le", declared.on)
                return
            elif not await self.suspended(declared.on):
                return

    async def suspended(self, since: date) -> bool:
        """An urgent suspension (3 months, renewable once); False when the agrément is
        withdrawn."""
        self.status("Agent suspendu depuis le", since)
        suspension = await self.step("suspension", since=since)
        while suspension.outcome == "renouvelee":
            suspension = await self.step("suspension", since=done_on(suspension))
        if suspension.outcome == "retrait":
            self.status("Agrément retiré le", done_on(suspension))
            return False
        self.status("Agent actif depuis le", done_on(suspension))
        return True

    def agrement(self, agrement: StepState) -> date:
        """Show when the agrément ends (5 years after its arrêté) and return that day."""
        arrete_le = date.fromisoformat(agrement.data["arrete_le"])
        ends = agrement_end(arrete_le)
        self.milestone_on(
            "fin_agrement",
            "Agrément valable jusqu'au",
            ends,
            f"5 ans à compter de l'arrêté du {french_date(arrete_le)} (art. R. 15-33-27-1 CPP)",
        )
        return ends

    def status(self, label: str, day: date) -> None:
        """The agent's status, shown on the register."""
        self.milestone_on("statut", label, day, "")

    def check_completion(self, state: StepState, command: CompleteStep) -> str | None:
        return check_completion(
            state.key, command.outcome, command.data, self.facts.route.value, state.seq
        )
