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
from datetime import date, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from domain.actors import Actor
from domain.calendar import DeadlineRule, french_date
from domain.contracts import (
    DeadlineRequest,
    DeadlineResult,
    Declaration,
    DocumentRef,
    DocumentRequest,
    ExpulsionRequest,
    ImportedStep,
    Milestone,
    ProcedureStart,
    ProcedureStatus,
    ProcedureView,
)
from domain.steps import DeadlineKind, StepSpec, StepState
from workflows.deadlines import DeadlineWatch
from workflows.state import (
    ACTIVITY_RETRY,
    DOCUMENT_ACTIVITY,
    ProcedureCancelled,
    ProcedureInterrupted,
)

with workflow.unsafe.imports_passed_through():
    from activities.deadlines import compute_expulsion_date, compute_step_deadline


__all__ = ["ProcedureCancelled", "ProcedureInterrupted", "ProcedureWorkflow", "done_on"]


class ProcedureWorkflow(DeadlineWatch):
    """Base class of every procedure workflow. Subclasses set `catalog` and write `flow`."""

    @workflow.init
    def __init__(self, start: ProcedureStart) -> None:
        super().__init__(start)
        self._event(
            "procedure_started",
            f"Procédure ouverte : {self.catalog.label}",
            org=start.bailleur_id,
            sub=start.created_by,
        )

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
        org: str | None = None,
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
        if org is not None:
            state.org = org  # e.g. an action of a joint intervention, assigned by the plan
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
                key,
                step_key=key,
                context={**document, "step": _step_context(state)},
                org_refs={"bailleur": self.start.bailleur_id, "destinataire": state.org},
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
        """Show a date computed by the procedure itself (e.g. the prescription); it replaces
        an earlier one of the same key (e.g. an agent's status)."""
        self._milestones = [m for m in self._milestones if m.key != key]
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

    async def until_declared(
        self, keys: set[str], day: date | None, reason: str = ""
    ) -> Declaration | None:
        """Wait for one of the declarations `keys` made from now on, or for `day` (None: no
        limit); returns the declaration, or None when the day came first."""
        seen = len(self._declarations)

        def declared() -> bool:
            return any(d.key in keys for d in self._declarations[seen:])

        if day is None:
            await workflow.wait_condition(declared)
        else:
            await self.wait_for_day(day, reason or "En attente", unless=declared)
        return next((d for d in self._declarations[seen:] if d.key in keys), None)

    def last_act_on(self) -> date:
        """The legal date of the latest act done (where a closing or fallback step starts)."""
        return max(s.completed_on for s in self._steps if s.completed_on)

    def note(self, message: str, **data: Any) -> None:
        """Record a line on the timeline (e.g. a delay suspended, then resumed)."""
        self._event("note", message, data=data)

    def suggest(self, suggestion: str, message: str) -> None:
        """Record a suggestion for people (e.g. a linked plainte to file)."""
        self._suggestions.append(suggestion)
        self._event("suggestion", message)

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

    def _next_seq(self, key: str) -> int:
        """The next occurrence number of step `key`: parallel occurrences (the actions of a
        plan) are numbered as they open, before any of them is recorded."""
        self._seqs[key] = self._seqs.get(key, 0) + 1
        return self._seqs[key]

    def _new_state(self, spec: StepSpec, since: date) -> StepState:
        return StepState(
            key=spec.key,
            seq=self._next_seq(spec.key),
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
