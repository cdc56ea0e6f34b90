"""The step engine: the one mechanism every procedure runs on.

A procedure subclass writes its `flow` as readable code (`await self.step(...)`); the engine opens
each step with its actor, the competent organisation, its due date and legal basis; reminds the
assignee, marks the step overdue and escalates when due; closes it with the implicit outcome where
the law gives silence a meaning; accepts completion only through the validated `complete_step`
update; projects every change to the read model; and keeps the search attributes current.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError

from domain.actors import Actor
from domain.calendar import DeadlineRule, french_date
from domain.contracts import (
    Assignment,
    CancelProcedure,
    CompleteStep,
    DeadlineRequest,
    DeadlineResult,
    Declaration,
    DocumentRef,
    DocumentRequest,
    EventRecord,
    ExpulsionRequest,
    ImportedStep,
    Link,
    Milestone,
    Notification,
    NotificationKind,
    ProcedureSnapshot,
    ProcedureStart,
    ProcedureStatus,
    ProcedureView,
    Propagation,
    SyncRequest,
)
from domain.steps import Catalog, DeadlineKind, StepSpec, StepState, StepStatus, data_error
from workflows import search_attributes as sa

with workflow.unsafe.imports_passed_through():
    from activities.deadlines import compute_expulsion_date, compute_step_deadline

PROJECT_ACTIVITY = "project_procedure"
NOTIFY_ACTIVITY = "send_notification"
DOCUMENT_ACTIVITY = "render_document"
PROPAGATE_ACTIVITY = "propagate_completion"
PROPAGATED_SUB = "decision-liee"  # a completion repeated from a linked procedure
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
)


class ProcedureCancelled(Exception):
    """Raised inside the flow when the procedure is withdrawn."""


class ProcedureInterrupted(Exception):
    """Raised inside the flow when an event declared at any step ends it (e.g. a departure)."""

    def __init__(self, on: date) -> None:
        super().__init__(on)
        self.on = on


class ProcedureWorkflow:
    """Base class of every procedure workflow. Subclasses set `catalog` and write `flow`."""

    catalog: ClassVar[Catalog]

    @workflow.init
    def __init__(self, start: ProcedureStart) -> None:
        self._start = start
        self._status = ProcedureStatus.OPEN
        self._steps: list[StepState] = []
        self._events: list[EventRecord] = []
        self._imported: dict[str, ImportedStep] = {step.key: step for step in start.imported}
        self._suggestions: list[str] = []
        self._closed_at: datetime | None = None
        self._changes = 0
        self._flushed = 0
        self._projected_events = 0
        self._busy = 0
        self._branches: list[asyncio.Task[Any]] = []
        self._milestones: list[Milestone] = []
        self._interrupted: date | None = None
        self._links: list[Link] = list(start.links)
        self._event(
            "procedure_started",
            f"Procédure ouverte : {self.catalog.label}",
            org=start.bailleur_id,
            sub=start.created_by,
        )

    # ----- what procedures write -------------------------------------------------------------

    async def flow(self, start: ProcedureStart) -> None:
        """The procedure itself, written by each subclass."""
        raise NotImplementedError

    async def step(
        self,
        key: str,
        *,
        since: date,
        on: date | None = None,
        on_label: str = "",
        counted_from: date | None = None,
        document: dict[str, Any] | None = None,
        actor: Actor | None = None,
        rule: DeadlineRule | None = None,
    ) -> StepState:
        """Open step `key` on the legal date `since` and wait until it is completed.

        Its due date is computed by the step's rule from `counted_from` (default `since`), or
        is the fixed date `on`. `document` (the extra context of a letter named after the step)
        has the letter generated as the step opens. `actor` and `rule` replace the catalogue's
        for this dossier (e.g. a complaint filed online is the bailleur's own act).
        """
        self._ensure_open()
        spec = self.catalog.spec(key)
        if actor is not None or rule is not None:
            changes: dict[str, Any] = {"actor": actor or spec.actor}
            if rule is not None:
                changes |= {"rule": rule, "deadline": DeadlineKind.LAW}
            spec = spec.model_copy(update=changes)
        state = self._new_state(spec, since)
        imported = self._imported.pop(key, None)
        if imported is not None:
            return self._record_imported(state, imported)
        if spec.deadline != DeadlineKind.NONE:
            deadline = await self._deadline(spec, counted_from or since, on, on_label)
            self._apply_deadline(state, deadline)
        self._steps.append(state)
        self._event("step_opened", f"Étape ouverte : {spec.label}", state, org=state.org)
        if document is not None:
            await self.document(
                key, step_key=key, context={**document, "step": _step_context(state)}
            )
        await self._until_completed(state, spec)
        return state

    def spawn(self, branch: Coroutine[Any, Any, Any]) -> None:
        """Run a branch beside the flow without waiting for it; its steps still pending when
        the procedure ends are marked skipped."""
        self._branches.append(asyncio.create_task(branch))

    async def milestone(self, key: str, label: str, *, since: date, rule: DeadlineRule) -> date:
        """Compute a legal date to show (appeal delay, CPP 85…), recorded on the timeline."""
        request = DeadlineRequest(start=since, rule=rule, reminder_working_days=0)
        result = await self._local(compute_step_deadline, request)
        self._milestones.append(
            Milestone(
                key=key,
                label=label,
                date=result.due,
                explanation=result.explanation,
                legal_basis=result.legal_basis,
            )
        )
        self._event(
            "milestone",
            f"{label} : {french_date(result.due)} — {result.explanation}",
            data={"key": key, "date": result.due.isoformat()},
        )
        return result.due

    async def wait_for_day(
        self, day: date, reason: str, unless: Callable[[], bool] | None = None
    ) -> None:
        """Durably wait until 00:00 Europe/Paris on `day` (a step that cannot open before), or
        until `unless` becomes true."""
        result = await self._local(
            compute_step_deadline, DeadlineRequest(start=day, fixed=day, reminder_working_days=0)
        )
        if result.day_starts_at > workflow.now():
            self._event("waiting", f"{reason} : jusqu'au {french_date(day)}")
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    unless or (lambda: False), timeout=result.day_starts_at - workflow.now()
                )

    def milestone_on(self, key: str, label: str, day: date, explanation: str) -> None:
        """Show a legal date computed by the procedure itself (e.g. the prescription)."""
        self._milestones.append(Milestone(key=key, label=label, date=day, explanation=explanation))
        self._event(
            "milestone",
            f"{label} : {french_date(day)} — {explanation}",
            data={"key": key, "date": day.isoformat()},
        )

    async def earliest_expulsion(self, request: ExpulsionRequest) -> DeadlineResult:
        """The earliest legal expulsion date (trêve, Sundays and public holidays excluded)."""
        return await self._local(compute_expulsion_date, request)

    async def record(
        self, key: str, *, on: date, outcome: str, sub: str | None = None
    ) -> StepState:
        """Record step `key` as done on `on` (an act done at creation, e.g. the transmission)."""
        spec = self.catalog.spec(key)
        state = self._new_state(spec, on)
        imported = self._imported.pop(key, None)
        if imported is not None:
            return self._record_imported(state, imported)
        self._complete(
            state,
            outcome=outcome,
            on=on,
            sub=sub or self.start.created_by,
            org=state.org,
            data={},
            comment=None,
        )
        self._steps.append(state)
        self._event(
            "step_completed",
            f"{spec.label} : {spec.outcome(outcome).label}",  # type: ignore[union-attr]
            state,
            org=state.org,
            sub=state.completed_by,
        )
        return state

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
        self._busy += 1
        try:
            ref = await workflow.execute_activity(
                DOCUMENT_ACTIVITY,
                request,
                result_type=DocumentRef,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=ACTIVITY_RETRY,
            )
        except ActivityError as error:
            # A document that cannot be produced (a template missing or broken) must not stop
            # a legal procedure: the failure is on the timeline, the document can be redone.
            cause = error.cause.message if isinstance(error.cause, ApplicationError) else ""
            self._event(
                "document_failed", f"Document non produit ({kind}) : {cause}", data={"kind": kind}
            )
            return None
        finally:
            self._busy -= 1
        self._event(
            "document_generated",
            f"Document produit : {ref.filename}",
            data={"document_id": ref.id, "kind": kind},
        )
        return ref

    def note(self, message: str, **data: Any) -> None:
        """Record a line on the timeline (e.g. a delay suspended, then resumed)."""
        self._event("note", message, data=data)

    def check_completion(self, state: StepState, command: CompleteStep) -> str | None:
        """A procedure's own legal check of a completion (French message), or None."""
        return None

    def suggest(self, suggestion: str, message: str) -> None:
        """Record a suggestion for people (e.g. a linked plainte to file)."""
        self._suggestions.append(suggestion)
        self._event("suggestion", message)

    @property
    def start(self) -> ProcedureStart:
        return self._start

    # ----- the run ---------------------------------------------------------------------------

    async def execute(self, start: ProcedureStart) -> ProcedureView:
        """Run the flow to its end, projecting every change; called by each subclass's run."""
        flusher = asyncio.create_task(self._flush_loop())
        try:
            try:
                await self.flow(start)
            except ProcedureInterrupted as interruption:
                self._interrupted = None
                await self.step("cloture", since=interruption.on)
            self._skip_pending("Étape sans objet : la procédure est terminée")
            self._status = ProcedureStatus.CLOSED
            self._closed_at = workflow.now()
            self._event("procedure_closed", "Procédure close")
        except ProcedureCancelled:
            pass
        await workflow.wait_condition(
            lambda: (
                self._flushed == self._changes
                and self._busy == 0
                and workflow.all_handlers_finished()
            )
        )
        flusher.cancel()
        return self.view()

    # ----- people act through updates; the state is queried ----------------------------------

    @workflow.update
    async def complete_step(self, command: CompleteStep) -> ProcedureView:
        """Complete a pending step; answers once the change is in the read model."""
        state = self._pending_step(command.key)
        assert state is not None  # the validator checked it
        spec = self.catalog.spec(command.key)
        self._complete(
            state,
            outcome=command.outcome,
            on=command.on,
            sub=command.sub,
            org=command.org,
            data=command.data,
            comment=command.comment,
        )
        self._event(
            "step_completed",
            f"{spec.label} : {spec.outcome(command.outcome).label}",  # type: ignore[union-attr]
            state,
            org=command.org,
            sub=command.sub,
            data={"outcome": command.outcome, "date": command.on.isoformat()},
        )
        if spec.propagated and self._links and command.sub != PROPAGATED_SUB:
            await self._propagate(command)
        await self._settled()
        return self.view()

    async def _propagate(self, command: CompleteStep) -> None:
        """Repeat a decision in the linked procedures waiting on the same step."""
        targets = [link.procedure_id for link in self._links]
        propagation = Propagation(
            source_id=self.start.procedure_id,
            targets=targets,
            command=command.model_copy(
                update={
                    "sub": PROPAGATED_SUB,
                    "comment": f"Décision reprise de {self.start.procedure_id}",
                }
            ),
        )
        self._busy += 1
        try:
            await workflow.execute_activity(
                PROPAGATE_ACTIVITY,
                propagation,
                start_to_close_timeout=timedelta(minutes=1),
                retry_policy=ACTIVITY_RETRY,
            )
        finally:
            self._busy -= 1

    @complete_step.validator
    def validate_complete_step(self, command: CompleteStep) -> None:
        """Refuse, before history records anything, a completion that is not allowed."""
        if not self.catalog.has(command.key):
            raise _refusal("UnknownStep", f"Étape inconnue : « {command.key} ».")
        state = self._pending_step(command.key)
        if state is None or self._status != ProcedureStatus.OPEN:
            raise _refusal("StepNotPending", f"L'étape « {command.key} » n'est pas en attente.")
        if command.org != state.org:
            raise _refusal(
                "WrongOrganisation",
                f"L'étape « {state.label} » est assignée à une autre organisation.",
            )
        spec = self.catalog.spec(command.key)
        outcome = spec.outcome(command.outcome)
        if outcome is None:
            raise _refusal(
                "InvalidOutcome",
                f"Résultat « {command.outcome} » invalide pour l'étape « {state.label} » "
                f"(attendu : {', '.join(spec.outcome_keys)}).",
            )
        wrong_type = data_error(self.catalog, command.data)
        if wrong_type:
            raise _refusal("InvalidData", wrong_type)
        missing = [name for name in outcome.required if not command.data.get(name)]
        if missing:
            raise _refusal("InvalidData", f"Donnée requise manquante : {', '.join(missing)}.")
        if command.on < state.opened_on:
            raise _refusal(
                "InvalidData",
                f"La date ({command.on.isoformat()}) précède l'ouverture de l'étape "
                f"({state.opened_on.isoformat()}).",
            )
        if command.on > workflow.now().date() + timedelta(days=1):
            raise _refusal("InvalidData", f"La date ({command.on.isoformat()}) est dans le futur.")
        problem = self.check_completion(state, command)
        if problem:
            raise _refusal("InvalidData", problem)

    @workflow.update
    async def declare(self, declaration: Declaration) -> ProcedureView:
        """Record an event declared at any step; one that ends the procedure skips what is
        pending and leads to the closing step."""
        outcome = self.catalog.declaration(declaration.key)
        assert outcome is not None  # the validator checked it
        self._event(
            "declaration",
            f"{outcome.label} (le {french_date(declaration.on)})",
            org=declaration.org,
            sub=declaration.sub,
            data={
                "key": declaration.key,
                "date": declaration.on.isoformat(),
                "comment": declaration.comment,
            },
        )
        if outcome.next:
            self._interrupted = declaration.on
            self._skip_pending(outcome.label)
        await self._settled()
        return self.view()

    @declare.validator
    def validate_declare(self, declaration: Declaration) -> None:
        """Only the bailleur declares, on an open procedure, what its catalogue allows."""
        if self._status != ProcedureStatus.OPEN or self._interrupted is not None:
            raise _refusal("NotOpen", "La procédure n'est plus en cours.")
        if self.catalog.declaration(declaration.key) is None:
            allowed = ", ".join(o.key for o in self.catalog.anytime) or "aucune"
            raise _refusal(
                "InvalidOutcome",
                f"Déclaration « {declaration.key} » impossible (possibles : {allowed}).",
            )
        if declaration.org != self.start.bailleur_id:
            raise _refusal("WrongOrganisation", "Seul le bailleur fait cette déclaration.")
        if declaration.on > workflow.now().date() + timedelta(days=1):
            raise _refusal(
                "InvalidData", f"La date ({declaration.on.isoformat()}) est dans le futur."
            )

    @workflow.update
    async def cancel(self, command: CancelProcedure) -> ProcedureView:
        """Withdraw the procedure: every pending step is cancelled."""
        self._status = ProcedureStatus.CANCELLED
        self._closed_at = workflow.now()
        for state in self._steps:
            if state.pending:
                state.status = StepStatus.CANCELLED
        self._event(
            "cancelled",
            f"Procédure retirée : {command.reason}",
            org=command.org,
            sub=command.sub,
            data={"reason": command.reason},
        )
        await self._settled()
        return self.view()

    @cancel.validator
    def validate_cancel(self, command: CancelProcedure) -> None:
        """Only the bailleur withdraws an open procedure, with a reason."""
        if self._status != ProcedureStatus.OPEN:
            raise _refusal("NotOpen", "La procédure n'est plus en cours.")
        if command.org != self.start.bailleur_id:
            raise _refusal("WrongOrganisation", "Seul le bailleur peut retirer la procédure.")
        if not command.reason.strip():
            raise _refusal("InvalidData", "Le motif du retrait est requis.")

    @workflow.update
    async def assign(self, assignment: Assignment) -> ProcedureView:
        """Assign a pending step to a named person of the assignee organisation."""
        state = self._pending_step(assignment.key)
        assert state is not None  # the validator checked it
        previous = state.assignee_sub
        state.assignee_sub = assignment.assignee_sub
        self._event(
            "assigned",
            f"{state.label} : confiée à {assignment.assignee_sub}"
            + (f" (au lieu de {previous})" if previous else ""),
            state,
            org=assignment.org,
            sub=assignment.sub,
            data={"assignee": assignment.assignee_sub, "previous": previous},
        )
        await self._settled()
        return self.view()

    @assign.validator
    def validate_assign(self, assignment: Assignment) -> None:
        """A manager of the assignee organisation assigns a pending step."""
        state = self._pending_step(assignment.key)
        if state is None or self._status != ProcedureStatus.OPEN:
            raise _refusal("StepNotPending", f"L'étape « {assignment.key} » n'est pas en attente.")
        if assignment.org != state.org:
            raise _refusal(
                "WrongOrganisation",
                f"L'étape « {state.label} » est assignée à une autre organisation.",
            )
        if assignment.role not in ("manager", "admin"):
            raise _refusal("WrongRole", "Seul un responsable attribue les étapes.")
        if not assignment.assignee_sub.strip():
            raise _refusal("InvalidData", "La personne désignée est requise.")

    @workflow.update
    async def link(self, link: Link) -> ProcedureView:
        """Record another procedure linked to this one (the other side records it too)."""
        if all(known.procedure_id != link.procedure_id for known in self._links):
            self._links.append(link)
            self._event("linked", f"Procédure liée : {link.procedure_id}", data=link.model_dump())
        await self._settled()
        return self.view()

    @workflow.update
    async def sync(self, request: SyncRequest) -> ProcedureView:
        """Wait until every change so far is in the read model."""
        await self._settled()
        return self.view()

    @workflow.query
    def state(self) -> ProcedureView:
        """The whole state of the procedure."""
        return self.view()

    def view(self) -> ProcedureView:
        start = self.start
        return ProcedureView(
            procedure_id=start.procedure_id,
            kind=start.kind,
            status=self._status,
            bailleur_id=start.bailleur_id,
            commune_insee=start.commune_insee,
            orgs=start.orgs,
            steps=list(self._steps),
            events=list(self._events),
            suggestions=list(self._suggestions),
            milestones=list(self._milestones),
            links=list(self._links),
            closed_at=self._closed_at,
        )

    # ----- engine internals ------------------------------------------------------------------

    def _ensure_open(self) -> None:
        if self._status == ProcedureStatus.CANCELLED:
            raise ProcedureCancelled()
        if self._interrupted is not None:
            raise ProcedureInterrupted(self._interrupted)

    def _skip_pending(self, message: str) -> None:
        for state in self._steps:
            if state.pending:
                state.status = StepStatus.SKIPPED
                self._event("step_skipped", f"{message} : {state.label}", state, org=state.org)

    def _new_state(self, spec: StepSpec, since: date) -> StepState:
        return StepState(
            key=spec.key,
            seq=1 + sum(1 for s in self._steps if s.key == spec.key),
            label=spec.label,
            actor=spec.actor,
            org=self._org_for(spec.actor),
            opened_at=workflow.now(),
            opened_on=since,
            legal_basis=spec.legal_basis,
        )

    def _org_for(self, actor: Actor) -> str:
        orgs = self.start.orgs
        if actor.value in orgs:
            return orgs[actor.value]
        raise ApplicationError(
            f"Aucune organisation compétente pour l'acteur {actor.value}",
            type="NoCompetentOrganisation",
            non_retryable=True,
        )

    def _pending_step(self, key: str) -> StepState | None:
        return next((s for s in reversed(self._steps) if s.key == key and s.pending), None)

    def _record_imported(self, state: StepState, imported: ImportedStep) -> StepState:
        self._complete(
            state,
            outcome=imported.outcome,
            on=imported.on,
            sub="import",
            org=state.org,
            data=imported.data,
            comment=None,
        )
        self._steps.append(state)
        self._event(
            "step_imported",
            f"{state.label} : accomplie le {imported.on.isoformat()} (dossier importé)",
            state,
            data={"outcome": imported.outcome},
        )
        return state

    def _complete(
        self,
        state: StepState,
        *,
        outcome: str,
        on: date,
        sub: str,
        org: str,
        data: dict,
        comment: str | None,
        implicite: bool = False,
    ) -> None:
        state.status = StepStatus.DONE
        state.outcome = outcome
        state.completed_on = on
        state.completed_at = workflow.now()
        state.completed_by = sub
        state.completed_by_org = org
        state.data = dict(data)
        state.comment = comment
        state.implicite = implicite

    async def _deadline(
        self, spec: StepSpec, since: date, on: date | None, on_label: str
    ) -> DeadlineResult:
        policy = self.start.policy
        rule = (
            policy.sla.get(spec.key, spec.rule) if spec.deadline == DeadlineKind.SLA else spec.rule
        )
        request = DeadlineRequest(
            start=since,
            rule=None if on else rule,
            fixed=on,
            fixed_label=on_label,
            reminder_working_days=policy.reminder_working_days,
        )
        return await self._local(compute_step_deadline, request)

    async def _local(self, activity: Any, request: Any) -> Any:
        """Run a local activity (a computation recorded in history), counted as busy."""
        self._busy += 1
        try:
            return await workflow.execute_local_activity(
                activity, request, start_to_close_timeout=timedelta(seconds=10)
            )
        finally:
            self._busy -= 1

    @staticmethod
    def _apply_deadline(state: StepState, deadline: DeadlineResult) -> None:
        state.due = deadline.due
        state.due_at = deadline.due_at
        state.remind_at = deadline.remind_at
        state.due_explanation = deadline.explanation
        state.legal_basis = deadline.legal_basis or state.legal_basis

    async def _until_completed(self, state: StepState, spec: StepSpec) -> None:
        """Wait for completion, reminding before the due date and escalating once it passes."""
        if state.due_at is not None:
            reminder_due = state.remind_at is not None and not await self._wait_until(
                state, state.remind_at
            )
            if reminder_due and workflow.now() < state.due_at:
                await self._notify(state, NotificationKind.RAPPEL)
            if state.pending and not await self._wait_until(state, state.due_at):
                if spec.silence_outcome:
                    self._close_by_silence(state, spec)
                else:
                    await self._mark_overdue(state)
        await workflow.wait_condition(lambda: not state.pending)
        if state.status == StepStatus.CANCELLED:
            raise ProcedureCancelled()
        if state.status == StepStatus.SKIPPED:
            self._ensure_open()

    async def _wait_until(self, state: StepState, instant: datetime) -> bool:
        """True once the step is no longer pending; False when `instant` comes first."""
        delay = instant - workflow.now()
        if delay <= timedelta(0):
            return not state.pending
        try:
            await workflow.wait_condition(lambda: not state.pending, timeout=delay)
        except TimeoutError:
            return False
        return True

    def _close_by_silence(self, state: StepState, spec: StepSpec) -> None:
        assert spec.silence_outcome is not None and state.due is not None
        self._complete(
            state,
            outcome=spec.silence_outcome,
            on=state.due,
            sub="delai",
            org=state.org,
            data={},
            comment=None,
            implicite=True,
        )
        self._event(
            "step_completed",
            f"{spec.label} : {spec.outcome(spec.silence_outcome).label} "  # type: ignore[union-attr]
            "(silence gardé jusqu'à l'échéance)",
            state,
            org=state.org,
            data={"outcome": spec.silence_outcome, "implicite": True},
        )

    async def _mark_overdue(self, state: StepState) -> None:
        state.overdue = True
        self._event("step_overdue", f"Échéance dépassée : {state.label}", state, org=state.org)
        await self._notify(state, NotificationKind.ESCALADE)

    async def _notify(self, state: StepState, kind: NotificationKind) -> None:
        start = self.start
        due = french_date(state.due) if state.due else ""
        if kind == NotificationKind.RAPPEL:
            subject = f"Rappel : « {state.label} » à accomplir avant le {due}"
        else:
            subject = f"Escalade : « {state.label} » en retard depuis le {due}"
        body = (
            f"Procédure {start.procedure_id} ({self.catalog.label}).\n"
            f"Étape : {state.label}\nÉchéance : {due} — {state.due_explanation}\n"
        )
        notification = Notification(
            id=f"{start.procedure_id}:{state.step_id}:{kind.value}",
            kind=kind,
            procedure_id=start.procedure_id,
            step_key=state.key,
            org_id=state.org,
            subject=subject,
            body=body,
        )
        self._busy += 1
        try:
            await workflow.execute_activity(
                NOTIFY_ACTIVITY,
                notification,
                start_to_close_timeout=timedelta(minutes=1),
                retry_policy=ACTIVITY_RETRY,
            )
        finally:
            self._busy -= 1
        if kind == NotificationKind.RAPPEL:
            state.reminded = True
            self._event("reminder_sent", f"Rappel envoyé : {state.label}", state, org=state.org)
        else:
            state.escalated = True
            self._event(
                "escalated", f"Escalade aux responsables : {state.label}", state, org=state.org
            )

    def _event(
        self,
        type_: str,
        message: str,
        state: StepState | None = None,
        *,
        org: str | None = None,
        sub: str | None = None,
        data: dict | None = None,
    ) -> None:
        self._events.append(
            EventRecord(
                seq=len(self._events) + 1,
                at=workflow.now(),
                type=type_,
                message=message,
                step_key=state.key if state else None,
                org=org,
                sub=sub,
                data=data or {},
            )
        )
        self._changes += 1

    async def _settled(self) -> None:
        await workflow.wait_condition(lambda: self._flushed == self._changes and self._busy == 0)

    async def _flush_loop(self) -> None:
        while True:
            await workflow.wait_condition(lambda: self._changes > self._flushed and self._busy == 0)
            await self._flush()

    async def _flush(self) -> None:
        target, upto = self._changes, len(self._events)
        self._upsert_search_attributes()
        snapshot = self._snapshot(self._events[self._projected_events : upto])
        await workflow.execute_activity(
            PROJECT_ACTIVITY,
            snapshot,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=ACTIVITY_RETRY,
        )
        self._projected_events = upto
        self._flushed = target

    def _snapshot(self, events: list[EventRecord]) -> ProcedureSnapshot:
        start = self.start
        return ProcedureSnapshot(
            procedure_id=start.procedure_id,
            kind=start.kind,
            status=self._status,
            bailleur_id=start.bailleur_id,
            commune_insee=start.commune_insee,
            residence_nom=start.residence_nom,
            title=start.title,
            facts=start.facts,
            created_at=start.created_at,
            closed_at=self._closed_at,
            steps=list(self._steps),
            events=list(events),
            suggestions=list(self._suggestions),
            milestones=list(self._milestones),
            links=list(self._links),
        )

    def _upsert_search_attributes(self) -> None:
        pending = [s for s in self._steps if s.pending]
        dues = [s.due_at for s in pending if s.due_at is not None]
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.KIND.value_set(self.start.kind),
            sa.STATUS.value_set(self._status.value),
            sa.PENDING_ACTORS.value_set(sorted({s.actor.value for s in pending})),
            sa.PENDING_ORGS.value_set(sorted({s.org for s in pending})),
            sa.NEXT_DUE.value_set(min(dues)) if dues else sa.NEXT_DUE.value_unset(),
        ]
        workflow.upsert_search_attributes(updates)


def done_on(state: StepState) -> date:
    """The legal date a completed step was done on."""
    assert state.completed_on is not None
    return state.completed_on


def _step_context(state: StepState) -> dict[str, Any]:
    return {
        "key": state.key,
        "label": state.label,
        "opened_on": state.opened_on.isoformat(),
        "due": state.due.isoformat() if state.due else None,
        "due_explanation": state.due_explanation,
    }


def _refusal(kind: str, message: str) -> ApplicationError:
    return ApplicationError(message, type=kind, non_retryable=True)
