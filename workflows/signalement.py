"""The signalement, as procedures.md describes it, written on the step engine."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import date

from temporalio import workflow

from domain.actors import Actor
from domain.catalog.signalement import SIGNALEMENT
from domain.contracts import ProcedureStart, ProcedureView
from domain.facts import Destinataire, SignalementFacts, SourceSignalement
from workflows.engine import ProcedureWorkflow, done_on

# The transmission is announced on the timeline, and projected, before the fiche is rendered.
# Procedures started before this change replay their history without it.
TRANSMISSION_NOTE_PATCH = "signalement-transmission-note"


@workflow.defn(name="signalement")
class SignalementWorkflow(ProcedureWorkflow):
    catalog = SIGNALEMENT

    @workflow.init
    def __init__(self, start: ProcedureStart) -> None:
        super().__init__(start)

    @workflow.run
    async def run(self, start: ProcedureStart) -> ProcedureView:
        return await self.execute(start)

    async def flow(self, start: ProcedureStart) -> None:
        facts = SignalementFacts.model_validate(start.facts)
        sent = await self.record("transmission", on=start.created_on, outcome="transmis")
        sent_on = done_on(sent)
        to_forces = facts.destinataire in (Destinataire.FORCES, Destinataire.FORCES_ET_PARQUET)
        to_parquet = facts.destinataire in (Destinataire.PARQUET, Destinataire.FORCES_ET_PARQUET)
        recipients = [start.orgs["forces"]] if to_forces else []
        recipients += [start.orgs["parquet"]] if to_parquet else []
        if self.announces_transmission():
            await self.announce_transmission(recipients, to_forces=to_forces, to_parquet=to_parquet)
        await self.document(
            "fiche_signalement",
            step_key="transmission",
            context={"transmis_le": sent_on.isoformat(), "facts": start.facts},
            org_refs={"bailleur": start.bailleur_id, "destinataires": recipients},
        )
        branches: list[Awaitable[object]] = []
        if facts.source == SourceSignalement.AGENT_ASSERMENTE:
            # The sworn agent's PV reaches the procureur within 5 days of the finding (CPP 29).
            # An internal security service's agent goes through the competent OPJ (L. 614-6).
            through_opj = start.resolved.get("agent_route") == "service_interne_securite"
            branches.append(
                self.step(
                    "transmission_pv",
                    since=facts.finding_date,
                    actor=Actor.FORCES if through_opj else None,
                )
            )
        if to_forces:
            branches.append(self.forces(sent_on, parquet_seized=to_parquet))
        if to_parquet:
            branches.append(self.step("decision_parquet", since=sent_on))
        await asyncio.gather(*branches)
        await self.step("cloture", since=self.last_act_on())

    def announces_transmission(self) -> bool:
        """Whether this run announces the transmission (not in histories recorded before)."""
        return workflow.patched(TRANSMISSION_NOTE_PATCH)

    async def announce_transmission(
        self, recipients: list[str], *, to_forces: bool, to_parquet: bool
    ) -> None:
        """Say on the timeline to whom the signalement was sent, visible at once."""
        names = [
            n for n, sent in (("forces de l'ordre", to_forces), ("parquet", to_parquet)) if sent
        ]
        self.note(f"Signalement transmis : {' et '.join(names)}", destinataires=recipients)
        # Projected at once, before the fiche renders; counted as busy so that a `sync` still
        # waits for the steps opened next. Nothing else is flushing: it is the flow's first act.
        self._busy += 1
        try:
            await self._flush()
        finally:
            self._busy -= 1

    async def forces(self, sent_on: date, *, parquet_seized: bool) -> None:
        """The police or gendarmerie acknowledge the report, then give feedback."""
        reception = await self.step("accuse_reception", since=sent_on)
        feedback = await self.step("retour_information", since=done_on(reception))
        if feedback.outcome == "transmis_parquet" and not parquet_seized:
            await self.step("decision_parquet", since=done_on(feedback))
        elif feedback.outcome == "plainte_requise":
            self.suggest(
                "plainte", "Les forces de l'ordre demandent un dépôt de plainte du bailleur."
            )
