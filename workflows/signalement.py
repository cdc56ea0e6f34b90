"""The signalement, as procedures.md describes it, written on the step engine."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import date

from temporalio import workflow

from domain.actors import Actor
from domain.contracts import ProcedureStart, ProcedureView
from domain.kinds import ProcedureKind
from domain.procedures.assermentation import RouteAssermentation
from domain.procedures.signalement import (
    AGENT_ROUTE,
    DEFINITION,
    OutcomeKey,
    SignalementFacts,
    SourceSignalement,
    StepKey,
)
from workflows.engine import ProcedureWorkflow

# The transmission is announced on the timeline, and projected, before the fiche is rendered.
# Procedures started before this change replay their history without it.
TRANSMISSION_NOTE_PATCH = "signalement-transmission-note"


@workflow.defn(name=DEFINITION.workflow)
class SignalementWorkflow(ProcedureWorkflow[SignalementFacts]):
    definition = DEFINITION

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute()

    async def flow(self) -> None:
        facts, start = self.facts, self.start
        sent = await self.record(
            StepKey.TRANSMISSION, on=start.created_on, outcome=OutcomeKey.TRANSMIS
        )
        sent_on = sent.done_on
        to_forces, to_parquet = facts.destinataire.to_forces, facts.destinataire.to_parquet
        recipients = [start.orgs[Actor.FORCES]] if to_forces else []
        recipients += [start.orgs[Actor.PARQUET]] if to_parquet else []
        if self.announces_transmission():
            await self.announce_transmission(recipients, to_forces=to_forces, to_parquet=to_parquet)
        await self.document(
            "fiche_signalement",
            step_key=StepKey.TRANSMISSION,
            context={"transmis_le": sent_on.isoformat(), "facts": start.facts},
            org_refs={"bailleur": start.bailleur_id, "destinataires": recipients},
        )
        branches: list[Awaitable[object]] = []
        if facts.source == SourceSignalement.AGENT_ASSERMENTE:
            branches.append(self.sworn_agent_pv())
        if to_forces:
            branches.append(self.forces(sent_on, parquet_seized=to_parquet))
        if to_parquet:
            branches.append(self.step(StepKey.DECISION_PARQUET, since=sent_on))
        await asyncio.gather(*branches)
        await self.close(since=self.last_act_on())

    def sworn_agent_pv(self) -> Awaitable[object]:
        """The sworn agent's PV reaches the procureur within 5 days of the finding (CPP 29).
        An internal security service's agent goes through the competent OPJ (L. 614-6)."""
        through_opj = self.start.resolved.get(AGENT_ROUTE) == RouteAssermentation.SERVICE_INTERNE
        return self.step(
            StepKey.TRANSMISSION_PV,
            since=self.facts.finding_date,
            actor=Actor.FORCES if through_opj else None,
        )

    def announces_transmission(self) -> bool:
        """Whether this run announces the transmission (not in histories recorded before)."""
        return workflow.patched(TRANSMISSION_NOTE_PATCH)

    async def announce_transmission(
        self, recipients: list[str], *, to_forces: bool, to_parquet: bool
    ) -> None:
        """Say on the timeline to whom the signalement was sent, visible at once (nothing else
        is being projected: it is the flow's first act)."""
        names = [
            n for n, sent in (("forces de l'ordre", to_forces), ("parquet", to_parquet)) if sent
        ]
        self.note(f"Signalement transmis : {' et '.join(names)}", destinataires=recipients)
        await self.publish_now()

    async def forces(self, sent_on: date, *, parquet_seized: bool) -> None:
        """The police or gendarmerie acknowledge the report, then give feedback."""
        reception = await self.step(StepKey.ACCUSE_RECEPTION, since=sent_on)
        feedback = await self.step(StepKey.RETOUR_INFORMATION, since=reception.done_on)
        if feedback.outcome == OutcomeKey.TRANSMIS_PARQUET and not parquet_seized:
            await self.step(StepKey.DECISION_PARQUET, since=feedback.done_on)
        elif feedback.outcome == OutcomeKey.PLAINTE_REQUISE:
            self.suggest(
                ProcedureKind.PLAINTE,
                "Les forces de l'ordre demandent un dépôt de plainte du bailleur.",
            )
