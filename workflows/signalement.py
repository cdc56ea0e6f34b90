"""The signalement, as procedures.md describes it, written on the step engine.

Changes to a flow already running are guarded by patches, so that dossiers started before them
replay as they ran: the transmission announced first (TRANSMISSION_NOTE_PATCH), an internal
security agent's PV handed by the bailleur to the OPJ before the OPJ sends it (PV_OPJ_PATCH), the
recours to the procureur général after a classement (RECOURS_PATCH).
"""

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
    PV_DEADLINE_CPP_29,
    PV_DEADLINE_L_614_6,
    OutcomeKey,
    SignalementFacts,
    SourceSignalement,
    StepKey,
)
from workflows.engine import ProcedureWorkflow

# The transmission is announced on the timeline, and projected, before the fiche is rendered.
# Procedures started before this change replay their history without it.
TRANSMISSION_NOTE_PATCH = "signalement-transmission-note"
PV_OPJ_PATCH = "signalement-pv-remise-opj"
RECOURS_PATCH = "signalement-recours-40-3"


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
            branches.append(self.parquet(sent_on))
        await asyncio.gather(*branches)
        await self.close(since=self.last_act_on())

    async def sworn_agent_pv(self) -> None:
        """The sworn agent's PV reaches the procureur within 5 days of the finding, on pain of
        nullity: sent by the bailleur (CPP 29), or, for an internal security service's agent,
        handed by the bailleur to the competent OPJ who sends it on, both within the same 5 days
        (CSI L. 614-6)."""
        found_on = self.facts.finding_date
        through_opj = self.start.resolved.get(AGENT_ROUTE) == RouteAssermentation.SERVICE_INTERNE
        if not through_opj:
            await self.step(
                StepKey.TRANSMISSION_PV,
                since=found_on,
                rule=PV_DEADLINE_CPP_29,
                legal_basis="art. 29 CPP",
            )
        elif not workflow.patched(PV_OPJ_PATCH):
            await self.step(StepKey.TRANSMISSION_PV, since=found_on, actor=Actor.FORCES)
        else:
            handed = await self.step(StepKey.REMISE_PV_OPJ, since=found_on)
            await self.step(
                StepKey.TRANSMISSION_PV,
                since=handed.done_on,
                counted_from=found_on,
                actor=Actor.FORCES,
                rule=PV_DEADLINE_L_614_6,
                legal_basis="art. L. 614-6 CSI",
            )

    async def parquet(self, since: date) -> None:
        """The parquet decides (CPP 40-1); after a classement the bailleur may form a recours
        before the procureur général, with no time limit (CPP 40-3)."""
        decision = await self.step(StepKey.DECISION_PARQUET, since=since)
        if decision.outcome == OutcomeKey.CLASSEMENT and workflow.patched(RECOURS_PATCH):
            await self.step(StepKey.RECOURS_PROCUREUR_GENERAL, since=decision.done_on)

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
            await self.parquet(feedback.done_on)
        elif feedback.outcome == OutcomeKey.PLAINTE_REQUISE:
            self.suggest(
                ProcedureKind.PLAINTE,
                "Les forces de l'ordre demandent un dépôt de plainte du bailleur.",
            )
