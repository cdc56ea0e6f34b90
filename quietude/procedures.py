"""Starting procedures and acting on them: the one path shared by the API, the pages and the
CLI. Each call takes one request and gives back the procedure as its workflow now holds it."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError

from domain.contracts import (
    Assignment,
    CancelProcedure,
    CompleteStep,
    Declaration,
    Link,
    Policy,
    ProcedureStart,
    ProcedureView,
    SyncRequest,
)
from domain.facts import Cancellation, DeclarationBody, StartFacts, StepCompletion
from domain.procedures import definition
from domain.territory import departement_of
from quietude.conventions import load_conventions
from quietude.policy import policy_for, policy_from
from quietude.settings import Settings
from quietude.starts import StartRefused, prepare, today_in_paris
from quietude.tokens import Claims
from quietude.treve import TreveChange, TreveDelivery, change_end, policy_now
from store.db import next_procedure_id, session_scope
from workflows.engine import ProcedureWorkflow

__all__ = [
    "Act",
    "AssignRequest",
    "CancelRequest",
    "DeclarationRequest",
    "ProcedureService",
    "StartRefused",
    "StartRequest",
    "StepRefused",
    "StepRequest",
    "TemporalUnavailable",
    "today_in_paris",
]

log = logging.getLogger(__name__)
MAX_ID_ATTEMPTS = 1000


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


class StartRequest(BaseModel):
    """A bailleur opens a procedure of the kind its facts name."""

    caller: Claims
    facts: StartFacts


class Act(BaseModel):
    """Someone acts on a procedure it sees (the caller checked that)."""

    caller: Claims
    procedure_id: str


class StepRequest(Act):
    key: str
    completion: StepCompletion

    def command(self) -> CompleteStep:
        completion, caller = self.completion, self.caller
        return CompleteStep(
            key=self.key,
            outcome=completion.outcome,
            on=completion.date,
            data=completion.data,
            comment=completion.comment,
            org=caller.org,
            sub=caller.sub,
        )


class DeclarationRequest(Act):
    declaration: DeclarationBody

    def command(self) -> Declaration:
        body, caller = self.declaration, self.caller
        return Declaration(
            key=body.type,
            on=body.date,
            comment=body.comment,
            data=body.data,
            org=caller.org,
            sub=caller.sub,
        )


class CancelRequest(Act):
    cancellation: Cancellation

    def command(self) -> CancelProcedure:
        return CancelProcedure(
            reason=self.cancellation.reason, org=self.caller.org, sub=self.caller.sub
        )


class AssignRequest(Act):
    key: str
    assignee_sub: str

    def command(self) -> Assignment:
        caller = self.caller
        return Assignment(
            key=self.key,
            assignee_sub=self.assignee_sub,
            org=caller.org,
            sub=caller.sub,
            role=caller.role,
        )


class ProcedureService:
    """Starts procedures and acts on them through their workflows."""

    def __init__(self, client: Client, engine: Engine, settings: Settings) -> None:
        self.client = client
        self.engine = engine
        self.settings = settings
        # The installation's policy: the base of a trêve change.
        self.policy: Policy = policy_from(settings)
        # Read now, so that an unusable conventions file stops the start (ConventionsError).
        self.conventions = load_conventions(settings.conventions_file)

    def policy_of(self, facts: StartFacts) -> Policy:
        """The policy of a new procedure: the convention of its commune's département."""
        try:
            departement = departement_of(facts.place.commune_insee)
        except ValueError:
            return self.policy  # not a commune: `prepare` refuses it, naming the field
        return policy_for(departement, self.conventions, self.settings, facts.kind)

    def validate(self, request: StartRequest) -> None:
        """Check that a procedure could be started as asked, without starting it."""
        policy = self.policy_of(request.facts)
        with Session(self.engine) as session:
            prepare(session, request.caller, request.facts, policy, today_in_paris())

    async def start(self, request: StartRequest) -> str:
        """Start a procedure for the caller's bailleur; its id, once it is projected."""
        with Session(self.engine) as session:
            policy = policy_now(session, self.policy_of(request.facts))
            start = prepare(session, request.caller, request.facts, policy, today_in_paris())
        return await self._launch(start)

    async def change_treve(self, change: TreveChange) -> TreveDelivery:
        """Move the end of one winter's trêve and deliver it to the running procedures."""
        ends = self.conventions.regular_treve_ends()
        return await change_end(self.client, self.engine, self.policy.treve, change, ends)

    async def complete_step(self, request: StepRequest) -> ProcedureView:
        """Complete a pending step; the workflow's validator decides."""
        return await self._update(request, ProcedureWorkflow.complete_step, request.command())

    async def declare(self, request: DeclarationRequest) -> ProcedureView:
        """Declare an event at any step (voluntary departure, withdrawal, appeal)."""
        return await self._update(request, ProcedureWorkflow.declare, request.command())

    async def cancel(self, request: CancelRequest) -> ProcedureView:
        """Withdraw a procedure (the bailleur only)."""
        return await self._update(request, ProcedureWorkflow.cancel, request.command())

    async def assign(self, request: AssignRequest) -> ProcedureView:
        """Assign a pending step to a person of the caller's organisation (managers)."""
        return await self._update(request, ProcedureWorkflow.assign, request.command())

    async def _launch(self, start: ProcedureStart) -> str:
        # A number already taken in Temporal (a read model restored from an older backup) is
        # skipped: the counter moves on until a free one is found.
        for _ in range(MAX_ID_ATTEMPTS):
            with session_scope(self.engine) as session:
                start.procedure_id = next_procedure_id(session, start.kind, start.created_on.year)
            try:
                handle = await self.client.start_workflow(
                    definition(start.kind).workflow,
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

    async def _update(self, request: Act, update: Any, command: BaseModel) -> ProcedureView:
        handle = self.client.get_workflow_handle(request.procedure_id)
        try:
            view: ProcedureView = await handle.execute_update(update, command)
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError):
                raise StepRefused(cause.type or "Refused", cause.message) from None
            raise
        except RPCError as error:
            if "not found" in str(error).lower() or "completed" in str(error).lower():
                raise StepRefused("NotOpen", "La procédure n'est plus en cours.") from None
            raise TemporalUnavailable() from error
        return view
