"""Starting procedures and acting on them: the one path shared by the API and the CLI."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError

from domain.actors import OrgKind
from domain.catalog import assermentation, intervention, plainte, resiliation, signalement
from domain.contracts import (
    Assignment,
    CancelProcedure,
    CompleteStep,
    Declaration,
    Link,
    Policy,
    ProcedureStart,
    SyncRequest,
)
from domain.facts import PlainteFacts, SignalementFacts, StepCompletion
from domain.imports import DossierImportError, plan_import
from domain.steps import Catalog
from quietude.policy import policy_from
from quietude.settings import Settings
from quietude.sworn_agents import PvRefused, check_pv
from quietude.tokens import Claims
from store.db import next_procedure_id, session_scope
from store.tables import Commune, Organisation, Procedure
from workflows.assermentation import AssermentationWorkflow
from workflows.engine import ProcedureWorkflow
from workflows.intervention import InterventionWorkflow
from workflows.plainte import PlainteWorkflow
from workflows.resiliation import ResiliationWorkflow
from workflows.signalement import SignalementWorkflow

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
MAX_ID_ATTEMPTS = 1000


class StartRefused(Exception):
    """The procedure cannot be started as asked (message in French, HTTP 422)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StepRefused(Exception):
    """The workflow refused an action; `kind` is the refusal's type."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class TemporalUnavailable(Exception):
    """Temporal cannot be reached (HTTP 503)."""

    def __init__(self, message: str = "Moteur de procédures injoignable, réessayez.") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProcedureKind:
    """What the service needs to know of one kind of procedure."""

    catalog: Catalog
    workflow: type[ProcedureWorkflow]
    applicable: Callable[[Any], frozenset[str]]
    title: Callable[[Any], str]
    refusal: Callable[[Any], str | None] = lambda facts: None  # a rule of law the body breaks


KINDS: dict[str, ProcedureKind] = {
    "signalement": ProcedureKind(
        catalog=signalement.SIGNALEMENT,
        workflow=SignalementWorkflow,
        applicable=lambda facts: signalement.applicable_steps(facts.source, facts.destinataire),
        title=lambda facts: f"Signalement — {facts.categorie.value.replace('_', ' ')}",
    ),
    "plainte": ProcedureKind(
        catalog=plainte.PLAINTE,
        workflow=PlainteWorkflow,
        applicable=lambda facts: plainte.applicable_steps(facts.canal),
        title=lambda facts: f"Plainte — {facts.faits.categorie.value.replace('_', ' ')}",
        refusal=lambda facts: plainte.online_refusal(facts.canal, facts.faits.categorie),
    ),
    "assermentation": ProcedureKind(
        catalog=assermentation.ASSERMENTATION,
        workflow=AssermentationWorkflow,
        applicable=lambda facts: assermentation.applicable_steps(facts.route),
        title=lambda facts: f"Assermentation — {facts.agent.poste}",
    ),
    "intervention_conjointe": ProcedureKind(
        catalog=intervention.INTERVENTION,
        workflow=InterventionWorkflow,
        applicable=lambda facts: intervention.applicable_steps(),
        title=lambda facts: f"Intervention conjointe — {facts.residence.nom}",
    ),
    "resiliation": ProcedureKind(
        catalog=resiliation.RESILIATION,
        workflow=ResiliationWorkflow,
        applicable=lambda facts: resiliation.applicable_steps(facts.origine, facts.impayes),
        title=lambda facts: (
            "Résiliation de bail — " + ", ".join(m.value.replace("_", " ") for m in facts.motifs)
        ),
    ),
}


def today_in_paris() -> date:
    """The legal date of today (Europe/Paris)."""
    return datetime.now(PARIS).date()


class ProcedureService:
    """Starts procedures, completes steps and withdraws procedures through their workflows."""

    def __init__(self, client: Client, engine: Engine, settings: Settings) -> None:
        self.client = client
        self.engine = engine
        self.settings = settings
        self.policy: Policy = policy_from(settings)

    def validate(self, caller: Claims, body: BaseModel) -> None:
        """Check that a procedure could be started as asked, without starting it."""
        facts: Any = body
        with Session(self.engine) as session:
            self._prepare(session, caller, KINDS[facts.kind], facts, today_in_paris())

    async def start(self, caller: Claims, body: BaseModel) -> str:
        """Start a procedure for the caller's bailleur; returns its id once projected."""
        facts: Any = body
        kind = KINDS[facts.kind]
        today = today_in_paris()
        with Session(self.engine) as session:
            start = self._prepare(session, caller, kind, facts, today)
        return await self._launch(kind, start)

    def _prepare(
        self, session: Session, caller: Claims, kind: ProcedureKind, facts: Any, today: date
    ) -> ProcedureStart:
        bailleur = session.get(Organisation, caller.org)
        if bailleur is None or bailleur.kind != OrgKind.BAILLEUR:
            raise StartRefused("Seule une organisation bailleur peut ouvrir une procédure.")
        commune = session.get(Commune, facts.residence.commune_insee)
        if commune is None:
            raise StartRefused(
                f"Commune inconnue : {facts.residence.commune_insee} "
                "(code INSEE d'une commune de l'Essonne attendu)."
            )
        if isinstance(facts, SignalementFacts | PlainteFacts) and facts.faits_le.date() > today:
            raise StartRefused("La date des faits est dans le futur.")
        refusal = kind.refusal(facts)
        if refusal:
            raise StartRefused(refusal)
        links = self._links(session, bailleur.id, getattr(facts, "liens", []))
        resolved: dict[str, str] = {}
        if getattr(facts, "agent_assermente", None):
            try:
                agent_link, route = check_pv(session, bailleur.id, facts)
            except PvRefused as error:
                raise StartRefused(str(error)) from None
            links.append(agent_link)
            resolved["agent_route"] = route
        imported, etape = [], None
        if facts.en_cours is not None:
            try:
                imported = plan_import(kind.catalog, facts.en_cours, kind.applicable(facts), today)
            except DossierImportError as error:
                raise StartRefused(str(error)) from None
            etape = facts.en_cours.etape
        return ProcedureStart(
            procedure_id="",
            kind=facts.kind,
            bailleur_id=bailleur.id,
            created_by=caller.sub,
            created_at=datetime.now(UTC),
            created_on=today,
            commune_insee=commune.insee,
            residence_nom=facts.residence.nom,
            title=kind.title(facts),
            orgs=self._competent_orgs(session, bailleur.id, commune, facts),
            facts=facts.model_dump(mode="json", exclude={"en_cours"}),
            resolved=resolved,
            imported=imported,
            etape=etape,
            policy=self.policy,
            links=links,
        )

    @staticmethod
    def _links(session: Session, bailleur_id: str, liens: list[Any]) -> list[Link]:
        """The procedures of the same bailleur this one rests on."""
        links = []
        for lien in liens:
            other = session.get(Procedure, lien.procedure_id)
            if other is None or other.bailleur_id != bailleur_id:
                raise StartRefused(f"Procédure liée introuvable : {lien.procedure_id}.")
            links.append(Link(procedure_id=other.id, kind=other.kind, relation="origine"))
        return links

    @staticmethod
    def _competent_orgs(
        session: Session, bailleur_id: str, commune: Commune, facts: Any
    ) -> dict[str, str]:
        """The organisation competent for each actor of a dossier in `commune`."""
        orgs = {"bailleur": bailleur_id, "forces": commune.forces_org_id}
        chosen = getattr(facts, "commissaire_justice", None)
        if chosen is not None:
            org = session.get(Organisation, chosen)
            if org is None or org.kind != OrgKind.COMMISSAIRE_JUSTICE:
                raise StartRefused(f"Commissaire de justice inconnu : {chosen}.")
            orgs["commissaire_justice"] = org.id
        forces = session.get(Organisation, commune.forces_org_id)
        if forces is not None:
            orgs[forces.kind] = forces.id
        # One parquet, préfecture and tribunal judiciaire for the whole département.
        for actor, org_kind in (
            ("parquet", OrgKind.PARQUET),
            ("prefet", OrgKind.PREFECTURE),
            ("juge", OrgKind.JUGE),
            ("commissaire_justice", OrgKind.COMMISSAIRE_JUSTICE),
        ):
            if actor in orgs:
                continue
            org = session.exec(
                select(Organisation)
                .where(Organisation.kind == org_kind.value)
                .order_by(Organisation.id)  # type: ignore[arg-type]
            ).first()
            if org is not None:
                orgs[actor] = org.id
        return orgs

    async def _launch(self, kind: ProcedureKind, start: ProcedureStart) -> str:
        # A number already taken in Temporal (a read model restored from an older backup) is
        # skipped: the counter moves on until a free one is found.
        for _ in range(MAX_ID_ATTEMPTS):
            with session_scope(self.engine) as session:
                start.procedure_id = next_procedure_id(session, start.kind, start.created_on.year)
            try:
                handle = await self.client.start_workflow(
                    kind.workflow.run,  # type: ignore[attr-defined]
                    start,
                    id=start.procedure_id,
                    task_queue=self.settings.task_queue,
                    # A number is never reused, even by a closed procedure: its history stays
                    # its own (and a purge removes exactly it).
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                )
            except WorkflowAlreadyStartedError:
                continue
            except RPCError as error:
                raise TemporalUnavailable() from error
            try:
                await handle.execute_update(ProcedureWorkflow.sync, SyncRequest())
            except RPCError as error:
                raise TemporalUnavailable() from error
            await self._link_back(start)
            return start.procedure_id
        raise StartRefused("Aucun numéro de procédure libre : le compteur est à vérifier.")

    async def _link_back(self, start: ProcedureStart) -> None:
        """Show the new procedure on the procedures it rests on (those still running)."""
        back = Link(procedure_id=start.procedure_id, kind=start.kind, relation="suite")
        for link in start.links:
            handle = self.client.get_workflow_handle(link.procedure_id)
            try:
                await handle.execute_update(ProcedureWorkflow.link, back)
            except (WorkflowUpdateFailedError, RPCError) as error:
                log.info(
                    "link from %s not recorded on %s: %s",
                    start.procedure_id,
                    link.procedure_id,
                    error,
                )

    async def assign(self, caller: Claims, procedure_id: str, key: str, assignee_sub: str) -> None:
        """Assign a pending step to a person of the caller's organisation (managers)."""
        command = Assignment(
            key=key, assignee_sub=assignee_sub, org=caller.org, sub=caller.sub, role=caller.role
        )
        await self._update(procedure_id, ProcedureWorkflow.assign, command)

    async def complete_step(
        self, caller: Claims, procedure_id: str, key: str, completion: StepCompletion
    ) -> None:
        """Complete a pending step; the workflow's validator decides."""
        command = CompleteStep(
            key=key,
            outcome=completion.outcome,
            on=completion.date,
            data=completion.data,
            comment=completion.comment,
            org=caller.org,
            sub=caller.sub,
        )
        await self._update(procedure_id, ProcedureWorkflow.complete_step, command)

    async def declare(
        self, caller: Claims, procedure_id: str, key: str, on: date, comment: str | None
    ) -> None:
        """Declare an event at any step (voluntary departure, withdrawal, appeal)."""
        command = Declaration(key=key, on=on, comment=comment, org=caller.org, sub=caller.sub)
        await self._update(procedure_id, ProcedureWorkflow.declare, command)

    async def cancel(self, caller: Claims, procedure_id: str, reason: str) -> None:
        """Withdraw a procedure (the bailleur only)."""
        command = CancelProcedure(reason=reason, org=caller.org, sub=caller.sub)
        await self._update(procedure_id, ProcedureWorkflow.cancel, command)

    async def _update(self, procedure_id: str, update: Any, command: BaseModel) -> None:
        with Session(self.engine) as session:
            if session.get(Procedure, procedure_id) is None:
                raise StepRefused("NotFound", "Procédure introuvable.")
        handle = self.client.get_workflow_handle(procedure_id)
        try:
            await handle.execute_update(update, command)
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError):
                raise StepRefused(cause.type or "Refused", cause.message) from None
            raise
        except RPCError as error:
            if "not found" in str(error).lower() or "completed" in str(error).lower():
                raise StepRefused("NotOpen", "La procédure n'est plus en cours.") from None
            raise TemporalUnavailable() from error
