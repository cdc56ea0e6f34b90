"""The plainte, as procedures.md describes it, written on the step engine.

Changes to a flow already running are guarded by patches, so that dossiers started before them
replay as they ran: the partie civile's route by the nature of the offence and the copy sent to
the procureur, declared at any time (PARTIE_CIVILE_PATCH).
"""

from __future__ import annotations

import asyncio
from datetime import date

from temporalio import workflow

from domain.actors import Actor
from domain.contracts import Declaration, ProcedureStart, ProcedureView
from domain.kinds import ProcedureKind
from domain.outcomes import Audience, Renvoi
from domain.procedures.plainte import (
    DEFINITION,
    FILED_BY_THE_BAILLEUR,
    PARTIE_CIVILE,
    CanalPlainte,
    Condamnation,
    OutcomeKey,
    PlainteEnregistree,
    PlainteFacts,
    Qualification,
    RendezVous,
    StepKey,
    prescription,
)
from domain.steps import StepState
from workflows.engine import ProcedureWorkflow

PARTIE_CIVILE_PATCH = "plainte-partie-civile-cpp85"
ADMISSIBLE_FROM = "Plainte avec constitution de partie civile recevable à partir du"


@workflow.defn(name=DEFINITION.workflow)
class PlainteWorkflow(ProcedureWorkflow[PlainteFacts]):
    definition = DEFINITION
    decision: StepState | None = None  # the parquet's, once taken
    copy_sent_on: date | None = None  # a copy of the complaint declared sent to the procureur

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute()

    async def flow(self) -> None:
        faits, start = self.facts.faits, self.start
        day, rule = prescription(faits.le, faits.qualification, faits.trafic_stupefiants)
        self.milestone_on(
            "prescription", "Prescription de l'action publique acquise à l'expiration du", day, rule
        )
        prepared = await self.step(StepKey.PREPARATION_DOSSIER, since=start.created_on)
        filed = await self.filing(prepared.done_on)
        filed_on = filed.done_on
        await self.document(
            "recepisse_depot_plainte",
            step_key=StepKey.DEPOT_PLAINTE,
            context={
                "date_document": filed_on.isoformat(),
                "facts": start.facts,
                "depot": {"date": filed_on.isoformat(), **filed.data},
                "prescription": {"date": day.isoformat(), "regle": rule},
            },
            org_refs={"bailleur": start.bailleur_id, "service": filed.org},
        )
        if workflow.patched(PARTIE_CIVILE_PATCH):
            self.spawn(self.partie_civile_route(filed))
        else:
            await self.partie_civile_milestone(filed)
        investigation = await self.step(StepKey.ENQUETE, since=filed_on)
        self.decision = await self.step(StepKey.DECISION_PARQUET, since=investigation.done_on)
        decided_on = self.decision.done_on
        notice = self.step(
            StepKey.AVIS_PLAIGNANT,
            since=decided_on,
            on=decided_on,
            on_label="avec la décision (art. 40-2 CPP)",
        )
        if self.decision.outcome == OutcomeKey.CLASSEMENT:
            recourse = self.step(StepKey.RECOURS_PROCUREUR_GENERAL, since=decided_on)
            await asyncio.gather(notice, recourse)
        elif self.decision.outcome == OutcomeKey.POURSUITES:
            await asyncio.gather(notice, self.trial(Audience.of(self.decision).audience))
        else:
            await notice
        await self.close(since=self.last_act_on())

    async def filing(self, ready_on: date) -> StepState:
        """At the commissariat or brigade by appointment; online or by letter by the bailleur."""
        if self.facts.canal.by_appointment:
            appointment = await self.step(StepKey.RENDEZ_VOUS_DEPOT, since=ready_on)
            return await self.step(
                StepKey.DEPOT_PLAINTE,
                since=appointment.done_on,
                on=RendezVous.of(appointment).rendez_vous,
                on_label="rendez-vous le",
            )
        return await self.step(
            StepKey.DEPOT_PLAINTE,
            since=ready_on,
            actor=Actor.BAILLEUR,
            rule=FILED_BY_THE_BAILLEUR,
        )

    async def partie_civile_route(self, filed: StepState) -> None:
        """CPP 85: none for a contravention (CPP 79); at once for a crime; for a délit, 3 months
        from the complaint lodged with the procureur or the copy sent to him (given with the
        filing or declared later), earlier if he declines to prosecute."""
        qualification = self.facts.faits.qualification
        if qualification == Qualification.CONTRAVENTION:
            self.note(
                "Pas de plainte avec constitution de partie civile pour une contravention "
                "(art. 79 et 85 CPP)"
            )
            return
        if qualification == Qualification.CRIME:
            self.milestone_on(
                "partie_civile",
                ADMISSIBLE_FROM,
                filed.done_on,
                "crime : sans condition de délai de 3 mois (art. 85 CPP)",
            )
            await self.step(StepKey.PARTIE_CIVILE_POSSIBLE, since=filed.done_on)
            return
        since = self.route_start(filed)
        if since is None:
            self.note(
                "Plainte avec constitution de partie civile : le délai de 3 mois (art. 85 CPP) "
                "court à partir de la copie de la plainte adressée au procureur, à déclarer"
            )
            await self.until_declared(
                {OutcomeKey.COPIE_PROCUREUR}, None, unless=lambda: self.decision is not None
            )
            since = self.copy_sent_on
        if since is not None and self.decision is None:
            admissible_from = await self.milestone(
                "partie_civile", ADMISSIBLE_FROM, since=since, rule=PARTIE_CIVILE
            )
            await self.partie_civile(admissible_from)
        elif self.decision is not None and self.decision.outcome == OutcomeKey.CLASSEMENT:
            await self.step(StepKey.PARTIE_CIVILE_POSSIBLE, since=self.decision.done_on)

    def route_start(self, filed: StepState) -> date | None:
        """The day the complaint reached the procureur, when it did: lodged with him, or a copy
        sent (given with the filing, or declared since)."""
        if self.facts.canal == CanalPlainte.COURRIER_PROCUREUR:
            return filed.done_on
        return PlainteEnregistree.of(filed).copie_procureur_le or self.copy_sent_on

    async def declared(self, declaration: Declaration) -> None:
        """A copy of the complaint sent to the procureur starts CPP 85's 3 months."""
        if declaration.key == OutcomeKey.COPIE_PROCUREUR:
            self.copy_sent_on = declaration.on

    async def partie_civile_milestone(self, filed: StepState) -> None:
        """Before PARTIE_CIVILE_PATCH. CPP 85: 3 months from a complaint lodged with the
        procureur, or from the copy sent to him of a complaint lodged with the police or
        gendarmerie (its date, when given)."""
        copy_sent = PlainteEnregistree.of(filed).copie_procureur_le
        to_procureur = self.facts.canal == CanalPlainte.COURRIER_PROCUREUR or copy_sent
        admissible_from = await self.milestone(
            "partie_civile",
            "Plainte avec constitution de partie civile recevable à partir du"
            if to_procureur
            else "Plainte avec constitution de partie civile recevable au plus tôt le "
            "(si une copie de la plainte est adressée au procureur le jour du dépôt)",
            since=copy_sent or filed.done_on,
            rule=PARTIE_CIVILE,
        )
        self.spawn(self.partie_civile(admissible_from))

    async def partie_civile(self, admissible_from: date) -> None:
        """CPP 85: 3 months after the filing, or at once if the parquet declines to prosecute."""
        await self.wait_for_day(
            admissible_from,
            "Constitution de partie civile possible",
            unless=lambda: self.decision is not None,
        )
        if self.decision is None:
            await self.step(StepKey.PARTIE_CIVILE_POSSIBLE, since=admissible_from)
        elif self.decision.outcome == OutcomeKey.CLASSEMENT:
            await self.step(StepKey.PARTIE_CIVILE_POSSIBLE, since=self.decision.done_on)

    async def trial(self, hearing_day: date) -> None:
        """After poursuites: the hearing (maybe adjourned), the judgment, its copy to the file."""
        assert self.decision is not None
        hearing = await self.step(
            StepKey.AUDIENCE_PENALE,
            since=self.decision.done_on,
            on=hearing_day,
            on_label="audience fixée au",
        )
        while hearing.outcome == OutcomeKey.RENVOI:
            hearing = await self.step(
                StepKey.AUDIENCE_PENALE,
                since=hearing.done_on,
                on=Renvoi.of(hearing).nouvelle_audience,
                on_label="audience renvoyée au",
            )
        judgment = await self.step(StepKey.JUGEMENT_PENAL, since=hearing.done_on)
        convicted = judgment.outcome == OutcomeKey.CONDAMNATION
        if convicted and Condamnation.of(judgment).condamne_locataire:
            # The conviction alone never ends a lease (CC 2016-745 DC): the judge must find
            # an actual disturbance. The résiliation is suggested, not started.
            self.suggest(
                ProcedureKind.RESILIATION,
                "Un locataire ou un membre du foyer est condamné : une "
                "résiliation de bail liée peut être engagée.",
            )
        await self.step(StepKey.TRANSMISSION_DECISION, since=judgment.done_on)
