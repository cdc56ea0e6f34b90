"""The step engine: the one mechanism every procedure runs on.

A procedure subclass names its definition and writes its `flow` as readable code
(`await self.step(...)`); the engine opens each step with its actor, the competent organisation,
its due date and legal basis; its deadline watch reminds the assignee, marks the step overdue
and escalates when due, or closes it with the implicit outcome where the law gives silence a
meaning; completion comes only through the validated `complete_step` update; its publisher
projects every settled change to the read model and keeps the search attributes current.

What the engine owns: the dossier (steps, timeline, milestones), the work in progress, the
publisher and the deadline watch. Procedures use only the public methods below.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from domain.actors import Actor
from domain.calendar import DeadlineRule
from domain.contracts import (
    Assignment,
    CancelProcedure,
    CompleteStep,
    DeadlineRequest,
    DeadlineResult,
    Declaration,
    DocumentRef,
    DocumentRequest,
    ExpulsionRequest,
    Link,
    Milestone,
    PolicyRevision,
    ProcedureStart,
    ProcedureView,
    Propagation,
    SyncRequest,
)
from domain.definition import ProcedureDefinition
from domain.facts import StartFacts
from domain.steps import CLOSING_KEY, DeadlineKind, StepSpec, StepState
from workflows import validation
from workflows.calls import DOCUMENT_ACTIVITY, PROPAGATE_ACTIVITY, Work
from workflows.deadlines import DeadlineWatch
from workflows.dossier import Dossier, ProcedureCancelled, ProcedureInterrupted
from workflows.publication import Publisher

with workflow.unsafe.imports_passed_through():
    from activities.deadlines import compute_expulsion_date, compute_step_deadline

F = TypeVar("F", bound=StartFacts)
PROPAGATED_SUB = "decision-liee"  # a completion repeated from a linked procedure


class ProcedureWorkflow(Generic[F]):
    """Base class of every procedure workflow. Subclasses set `definition` and write `flow`."""

    definition: ClassVar[ProcedureDefinition[Any]]

    @workflow.init
    def __init__(self, start: ProcedureStart) -> None:
        self.start = start
        self.facts: F = self.definition.parse(start.facts)
        self.dossier = Dossier(start, self.definition)
        self.work = Work()
        self.publisher = Publisher(self.dossier, self.work)
        self.deadlines = DeadlineWatch(self.dossier, self.work, self.publisher)
        self._branches: list[asyncio.Task[Any]] = []
        self.dossier.timeline.started(self.definition.label, start.bailleur_id, start.created_by)

    async def flow(self) -> None:
        """The procedure itself, written by each subclass."""
        raise NotImplementedError

    # ----- what procedures write -------------------------------------------------------------

    async def step(
        self,
        key: str,
        *,
        since: date,
        on: date | None = None,
        on_label: str = "",
        counted_from: date | None = None,
        document: dict[str, Any] | None = None,
        letter: str | None = None,
        actor: Actor | None = None,
        rule: DeadlineRule | None = None,
        org: str | None = None,
        legal_basis: str | None = None,
        not_before: date | None = None,
        due: bool = True,
    ) -> StepState:
        """Open step `key` on the legal date `since` and wait until it is completed.

        Its due date is computed by the step's rule from `counted_from` (default `since`), or
        is the fixed date `on`. `document` (the extra context of a letter named after the step)
        has the letter generated as the step opens (`letter`: its name when it is not the
        step's, e.g. the rehousing offer sent at the step "envoi"). `actor`, `rule` and
        `legal_basis` replace the catalogue's for this dossier (e.g. a complaint filed online
        is the bailleur's own act); `org` assigns it to an organisation the flow names (e.g.
        an action of a plan); `not_before` is the first day the law allows the act (checked on
        completion); `due=False` tracks an act a party may choose to do, with no due date (e.g.
        a réquisition renewed after a refusal).
        """
        self.dossier.ensure_open()
        spec = self._spec(key, actor, rule, legal_basis, due)
        state = self.dossier.new_step(spec, since)
        if org is not None:
            state.org = org
        state.not_before = not_before
        imported = self.dossier.imported.pop(key, None)
        if imported is not None:
            return self.dossier.record_imported(state, imported)
        if spec.deadline != DeadlineKind.NONE:
            await self.deadlines.fix(state, spec, counted_from or since, on, on_label)
        self.dossier.steps.append(state)
        self.dossier.timeline.opened(state)
        if document is not None:
            await self.document(
                letter or key,
                step_key=key,
                context={**document, "step": _step_context(state)},
                org_refs={"bailleur": self.start.bailleur_id, "destinataire": state.org},
            )
        await self.deadlines.until_completed(state, spec)
        return state

    async def close(self, *, since: date) -> StepState:
        """The closing step, done by the bailleur."""
        return await self.step(CLOSING_KEY, since=since)

    async def record(self, key: str, *, on: date, outcome: str) -> StepState:
        """Record step `key` as done on `on` (an act done at creation, e.g. the transmission)."""
        spec = self.definition.catalog.spec(key)
        return self.dossier.record_done(spec, on, outcome, self.start.created_by)

    async def reschedule(
        self, state: StepState, *, on: date, on_label: str, not_before: date | None = None
    ) -> None:
        """Give a pending step a new fixed date (a trêve or a délai changed); its watch
        reminds and escalates from the new date, and the timeline says why."""
        spec = self.definition.catalog.spec(state.key)
        await self.deadlines.fix(state, spec, state.opened_on, on, on_label)
        state.not_before = not_before if not_before is not None else state.not_before
        state.overdue = state.reminded = state.escalated = False
        self.dossier.timeline.rescheduled(state)

    def spawn(self, branch: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run a branch beside the flow without waiting for it (the flow may await the task
        later); its steps still pending when the procedure ends are marked skipped."""
        task = asyncio.create_task(branch)
        self._branches.append(task)
        return task

    def skip(self, state: StepState, reason: str) -> None:
        """Mark a pending step as without object (e.g. a réquisition renewed when the concours
        was granted late): the flow's `step` returns it with no outcome."""
        self.dossier.skip(state, reason)

    async def milestone(self, key: str, label: str, *, since: date, rule: DeadlineRule) -> date:
        """Compute a legal date to show (appeal delay, CPP 85…), recorded on the timeline."""
        request = DeadlineRequest(start=since, rule=rule, reminder_working_days=0)
        result: DeadlineResult = await self.work.local(compute_step_deadline, request)
        self.dossier.show(
            Milestone(
                key=key,
                label=label,
                date=result.due,
                explanation=result.explanation,
                legal_basis=result.legal_basis,
            )
        )
        return result.due

    def milestone_on(self, key: str, label: str, day: date, explanation: str) -> None:
        """Show a date computed by the procedure itself (e.g. the prescription); it replaces
        an earlier one of the same key (e.g. an agent's status)."""
        self.dossier.show(Milestone(key=key, label=label, date=day, explanation=explanation))

    async def wait_for_day(
        self, day: date, reason: str, unless: Callable[[], bool] | None = None
    ) -> None:
        """Durably wait until 00:00 Europe/Paris on `day` (a step that cannot open before), or
        until `unless` becomes true."""
        request = DeadlineRequest(start=day, fixed=day, reminder_working_days=0)
        result: DeadlineResult = await self.work.local(compute_step_deadline, request)
        if result.day_starts_at > workflow.now():
            self.dossier.timeline.waiting(reason, day)
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    unless or (lambda: False), timeout=result.day_starts_at - workflow.now()
                )

    async def until_declared(
        self,
        keys: set[str],
        day: date | None,
        reason: str = "",
        unless: Callable[[], bool] | None = None,
    ) -> Declaration | None:
        """Wait for one of the declarations `keys` made from now on, or for `day` (None: no
        limit), or until `unless` becomes true; returns the declaration, or None when the day
        or `unless` came first."""
        declarations = self.dossier.declarations
        seen = len(declarations)

        def declared() -> bool:
            return any(d.key in keys for d in declarations[seen:]) or (
                unless is not None and unless()
            )

        if day is None:
            await workflow.wait_condition(declared)
        else:
            await self.wait_for_day(day, reason or "En attente", unless=declared)
        return next((d for d in declarations[seen:] if d.key in keys), None)

    async def declared(self, declaration: Declaration) -> None:
        """What a procedure does at once when an event is declared (e.g. délais granted move
        a pending expulsion); nothing by default."""

    async def policy_revised(self) -> None:
        """What a procedure does at once when the convention's policy changes (e.g. a moved
        trêve moves a pending expulsion); nothing by default."""

    async def earliest_expulsion(self, request: ExpulsionRequest) -> DeadlineResult:
        """The earliest legal expulsion date (trêve, Sundays and public holidays excluded)."""
        result: DeadlineResult = await self.work.local(compute_expulsion_date, request)
        return result

    async def document(
        self,
        kind: str,
        *,
        step_key: str | None = None,
        context: dict[str, Any],
        org_refs: dict[str, str | list[str]] | None = None,
    ) -> DocumentRef | None:
        """Generate document `kind` from its Word template and record it on the timeline."""
        request = DocumentRequest(
            procedure_id=self.start.procedure_id,
            kind=kind,
            step_key=step_key,
            context={"procedure_id": self.start.procedure_id, **context},
            org_refs=org_refs or {},
            commune_insee=self.start.commune_insee,
        )
        try:
            ref: DocumentRef = await self.work.activity(
                DOCUMENT_ACTIVITY,
                request,
                result_type=DocumentRef,
                timeout=timedelta(minutes=2),
            )
        except ActivityError as error:
            # A document that cannot be produced (a template missing or broken) must not stop
            # a legal procedure: the failure is on the timeline, the document can be redone.
            cause = error.cause.message if isinstance(error.cause, ApplicationError) else ""
            self.dossier.timeline.document_failed(kind, cause)
            return None
        self.dossier.timeline.document(ref.filename, ref.id, kind)
        return ref

    async def activity(self, name: str, payload: Any, result_type: type) -> Any:
        """Run the activity `name` for the procedure (e.g. the indicators of its territory)."""
        return await self.work.activity(
            name, payload, result_type=result_type, timeout=timedelta(minutes=1)
        )

    def last_act_on(self) -> date:
        """The legal date of the latest act done (where a closing or fallback step starts)."""
        return self.dossier.last_act_on()

    def note(self, message: str, **data: Any) -> None:
        """Record a line on the timeline (e.g. a delay suspended, then resumed)."""
        self.dossier.timeline.note(message, data)

    def suggest(self, kind: str, message: str) -> None:
        """Suggest a procedure of `kind` to people (e.g. a linked plainte to file)."""
        self.dossier.suggestions.append(kind)
        self.dossier.timeline.suggestion(message)

    async def publish_now(self) -> None:
        """Project what changed so far at once, before the work that follows (counted as work
        in progress, so that a `sync` still waits for what comes next)."""
        with self.work.busy():
            await self.publisher.publish()

    # ----- running the flow --------------------------------------------------------------------

    async def execute(self) -> ProcedureView:
        """Run the flow to its end, projecting every change; called by each subclass's run."""
        publishing = asyncio.create_task(self.publisher.run())
        try:
            try:
                await self.flow()
            except ProcedureInterrupted as interruption:
                self.dossier.interrupted = None
                await self.close(since=interruption.on)
            self.dossier.close()
        except ProcedureCancelled:
            pass
        await workflow.wait_condition(
            lambda: self.publisher.settled() and workflow.all_handlers_finished()
        )
        publishing.cancel()
        return self.dossier.view()

    def _spec(
        self,
        key: str,
        actor: Actor | None,
        rule: DeadlineRule | None,
        legal_basis: str | None,
        due: bool = True,
    ) -> StepSpec:
        spec = self.definition.catalog.spec(key)
        if actor is None and rule is None and legal_basis is None and due:
            return spec
        changes: dict[str, Any] = {"actor": actor or spec.actor}
        if not due:
            changes |= {"deadline": DeadlineKind.NONE, "rule": None}
        if rule is not None:
            changes |= {"rule": rule, "deadline": DeadlineKind.LAW}
        if legal_basis is not None:
            changes["legal_basis"] = legal_basis
        return spec.model_copy(update=changes)

    # ----- how people act: validated updates, and the query --------------------------------------

    @workflow.update
    async def complete_step(self, command: CompleteStep) -> ProcedureView:
        """Complete a pending step; answers once the change is in the read model."""
        state = self.dossier.accept(command)
        propagated = self.definition.catalog.spec(state.key).propagated
        if propagated and self.dossier.links and command.sub != PROPAGATED_SUB:
            await self._propagate(command)
        return await self._settled_view()

    @complete_step.validator
    def validate_complete_step(self, command: CompleteStep) -> None:
        """Refuse, before history records anything, a completion that is not allowed."""
        today = workflow.now().date()
        _raise(validation.completion_refusal(self.dossier, self.facts, command, today))

    async def _propagate(self, command: CompleteStep) -> None:
        """Repeat a decision in the linked procedures waiting on the same step."""
        source = self.start.procedure_id
        propagation = Propagation(
            source_id=source,
            targets=[link.procedure_id for link in self.dossier.links],
            command=command.model_copy(
                update={"sub": PROPAGATED_SUB, "comment": f"Décision reprise de {source}"}
            ),
        )
        await self.work.activity(PROPAGATE_ACTIVITY, propagation, timeout=timedelta(minutes=1))

    @workflow.update
    async def declare(self, declaration: Declaration) -> ProcedureView:
        """Record an event declared at any step (a departure, a withdrawal, an appeal, délais
        granted); the procedure reacts at once where its law says so."""
        self.dossier.declare(declaration)
        if self.dossier.interrupted is None:
            with self.work.busy():
                await self.declared(declaration)
        return await self._settled_view()

    @declare.validator
    def validate_declare(self, declaration: Declaration) -> None:
        today = workflow.now().date()
        _raise(validation.declaration_refusal(self.dossier, self.facts, declaration, today))

    @workflow.update
    async def revise_policy(self, revision: PolicyRevision) -> ProcedureView:
        """The convention's policy as it now stands (a trêve whose end a text moved), recorded
        in history so that a replay sees the same dates; the procedure reacts at once."""
        if self.dossier.is_open and revision.treve != self.dossier.policy.treve:
            self.dossier.revise(revision)
            with self.work.busy():
                await self.policy_revised()
        return await self._settled_view()

    @workflow.update
    async def cancel(self, command: CancelProcedure) -> ProcedureView:
        """Withdraw the procedure: every pending step is cancelled."""
        self.dossier.withdraw(command)
        return await self._settled_view()

    @cancel.validator
    def validate_cancel(self, command: CancelProcedure) -> None:
        _raise(validation.cancellation_refusal(self.dossier, command))

    @workflow.update
    async def assign(self, assignment: Assignment) -> ProcedureView:
        """Assign a pending step to a named person of the assignee organisation."""
        self.dossier.assign(assignment)
        return await self._settled_view()

    @assign.validator
    def validate_assign(self, assignment: Assignment) -> None:
        _raise(validation.assignment_refusal(self.dossier, assignment))

    @workflow.update
    async def link(self, link: Link) -> ProcedureView:
        """Record another procedure linked to this one (the other side records it too)."""
        self.dossier.add_link(link)
        return await self._settled_view()

    @workflow.update
    async def sync(self, request: SyncRequest) -> ProcedureView:
        """Wait until every change so far is in the read model."""
        return await self._settled_view()

    @workflow.query
    def state(self) -> ProcedureView:
        """The whole state of the procedure."""
        return self.dossier.view()

    async def _settled_view(self) -> ProcedureView:
        """The procedure once every change so far is in the read model."""
        await self.publisher.until_settled()
        return self.dossier.view()


def _raise(refusal: ApplicationError | None) -> None:
    if refusal is not None:
        raise refusal


def _step_context(state: StepState) -> dict[str, Any]:
    return {
        "key": state.key,
        "label": state.label,
        "opened_on": state.opened_on.isoformat(),
        "due": state.due.isoformat() if state.due else None,
        "due_explanation": state.due_explanation,
    }
