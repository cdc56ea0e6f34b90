"""The plainte, as procedures.md describes it, written on the step engine."""

from __future__ import annotations

import asyncio
from datetime import date

from temporalio import workflow

from domain.actors import Actor
from domain.calendar import DeadlineRule, Regime
from domain.catalog.plainte import PARTIE_CIVILE, PLAINTE, prescription
from domain.contracts import ProcedureStart, ProcedureView
from domain.facts import CanalPlainte, PlainteFacts
from domain.steps import StepState
from workflows.engine import ProcedureWorkflow, done_on

FILED_BY_THE_BAILLEUR = DeadlineRule(working_days=5, regime=Regime.SLA, label="dépôt")


@workflow.defn(name="plainte")
class PlainteWorkflow(ProcedureWorkflow):
    catalog = PLAINTE

    @workflow.init
    def __init__(self, start: ProcedureStart) -> None:
        super().__init__(start)
        self.facts = PlainteFacts.model_validate(start.facts)
        self.decision: StepState | None = None

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute(start)

    async def flow(self, start: ProcedureStart) -> None:
        faits = self.facts.faits
        day, rule = prescription(faits.le, faits.qualification.value, faits.trafic_stupefiants)
        self.milestone_on(
            "prescription", "Prescription de l'action publique acquise à l'expiration du", day, rule
        )
        prepared = await self.step("preparation_dossier", since=start.created_on)
        filed = await self.filing(done_on(prepared))
        filed_on = done_on(filed)
        await self.document(
            "recepisse_depot_plainte",
            step_key="depot_plainte",
            context={
                "date_document": filed_on.isoformat(),
                "facts": start.facts,
                "depot": {"date": filed_on.isoformat(), **filed.data},
                "prescription": {"date": day.isoformat(), "regle": rule},
            },
            org_refs={"bailleur": start.bailleur_id, "service": filed.org},
        )
        # CPP 85: 3 months from a complaint lodged with the procureur, or from the copy sent to
        # him of a complaint lodged with the police or gendarmerie (its date, when given).
        copy_sent = filed.data.get("copie_procureur_le")
        to_procureur = self.facts.canal == CanalPlainte.COURRIER_PROCUREUR or copy_sent
        partie_civile_from = await self.milestone(
            "partie_civile",
            "Plainte avec constitution de partie civile recevable à partir du"
            if to_procureur
            else "Plainte avec constitution de partie civile recevable au plus tôt le "
            "(si une copie de la plainte est adressée au procureur le jour du dépôt)",
            since=date.fromisoformat(copy_sent) if copy_sent else filed_on,
            rule=PARTIE_CIVILE,
        )
        self.spawn(self.partie_civile(partie_civile_from))
        investigation = await self.step("enquete", since=filed_on)
        self.decision = await self.step("decision_parquet", since=done_on(investigation))
        decided_on = done_on(self.decision)
        notice = self.step(
            "avis_plaignant",
            since=decided_on,
            on=decided_on,
            on_label="avec la décision (art. 40-2 CPP)",
        )
        if self.decision.outcome == "classement":
            await asyncio.gather(notice, self.step("recours_procureur_general", since=decided_on))
        elif self.decision.outcome == "poursuites":
            await asyncio.gather(
                notice, self.trial(date.fromisoformat(self.decision.data["audience"]))
            )
        else:
            await notice
        await self.step("cloture", since=self.last_act_on())

    async def filing(self, ready_on: date) -> StepState:
        """At the commissariat or brigade by appointment; online or by letter by the bailleur."""
        if self.facts.canal in (CanalPlainte.COMMISSARIAT, CanalPlainte.BRIGADE):
            appointment = await self.step("rendez_vous_depot", since=ready_on)
            return await self.step(
                "depot_plainte",
                since=done_on(appointment),
                on=date.fromisoformat(appointment.data["rendez_vous"]),
                on_label="rendez-vous le",
            )
        return await self.step(
            "depot_plainte", since=ready_on, actor=Actor.BAILLEUR, rule=FILED_BY_THE_BAILLEUR
        )

    async def partie_civile(self, admissible_from: date) -> None:
        """CPP 85: 3 months after the filing, or at once if the parquet declines to prosecute."""
        await self.wait_for_day(
            admissible_from,
            "Constitution de partie civile possible",
            unless=lambda: self.decision is not None,
        )
        if self.decision is None:
            await self.step("partie_civile_possible", since=admissible_from)
        elif self.decision.outcome == "classement":
            await self.step("partie_civile_possible", since=done_on(self.decision))

    async def trial(self, hearing_day: date) -> None:
        """After poursuites: the hearing (maybe adjourned), the judgment, its copy to the file."""
        assert self.decision is not None
        hearing = await self.step(
            "audience_penale",
            since=done_on(self.decision),
            on=hearing_day,
            on_label="audience fixée au",
        )
        while hearing.outcome == "renvoi":
            hearing = await self.step(
                "audience_penale",
                since=done_on(hearing),
                on=date.fromisoformat(hearing.data["nouvelle_audience"]),
                on_label="audience renvoyée au",
            )
        judgment = await self.step("jugement_penal", since=done_on(hearing))
        if judgment.outcome == "condamnation" and judgment.data.get("condamne_locataire"):
            # The conviction alone never ends a lease (CC 2016-745 DC): the judge must find
            # an actual disturbance. The résiliation is suggested, not started.
            self.suggest(
                "resiliation",
                "Un locataire ou un membre du foyer est condamné : une "
                "résiliation de bail liée peut être engagée.",
            )
        await self.step("transmission_decision", since=done_on(judgment))
