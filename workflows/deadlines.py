"""A step's deadline: its due date fixed once, then the watch of it: remind, then mark it
overdue and escalate, or close it with the outcome the law gives silence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from temporalio import workflow

from domain.calendar import french_date
from domain.contracts import DeadlineRequest, DeadlineResult, Notification, NotificationKind
from domain.steps import DeadlineKind, StepSpec, StepState, StepStatus
from workflows.calls import NOTIFY_ACTIVITY, Work
from workflows.dossier import Dossier, ProcedureCancelled
from workflows.publication import Publisher

with workflow.unsafe.imports_passed_through():
    from activities.deadlines import compute_step_deadline

SILENCE_SUB = "delai"  # who "completes" a step the law closes by silence


class DeadlineWatch:
    """Due dates, reminders, overdue steps, escalations and implicit outcomes of one dossier."""

    def __init__(self, dossier: Dossier, work: Work, publisher: Publisher) -> None:
        self.dossier = dossier
        self.work = work
        self.publisher = publisher

    async def fix(
        self, state: StepState, spec: StepSpec, since: date, on: date | None, on_label: str
    ) -> None:
        """Give a step opening its due date: the fixed date `on`, or its rule (the convention's
        target for an SLA step) counted from `since`; recorded in history once computed."""
        policy = self.dossier.start.policy
        sla = spec.deadline == DeadlineKind.SLA
        rule = policy.sla.get(spec.key, spec.rule) if sla else spec.rule
        request = DeadlineRequest(
            start=since,
            rule=None if on else rule,
            fixed=on,
            fixed_label=on_label,
            reminder_working_days=policy.reminder_working_days,
        )
        result: DeadlineResult = await self.work.local(compute_step_deadline, request)
        state.due = result.due
        state.due_at = result.due_at
        state.remind_at = result.remind_at
        state.due_explanation = result.explanation
        state.legal_basis = result.legal_basis or state.legal_basis

    async def until_completed(self, state: StepState, spec: StepSpec) -> None:
        """Wait for completion, reminding before the due date and escalating once it passes;
        watched again if the due date moves (a trêve or a délai changed)."""
        await self._watch(state, spec)
        while state.pending or not self.publisher.projects_locally():
            await self._done_or_moved(state)
            if not state.pending:
                break
            await self._watch(state, spec)
        if state.status == StepStatus.CANCELLED:
            raise ProcedureCancelled()
        if state.status == StepStatus.SKIPPED:
            self.dossier.ensure_open()

    @staticmethod
    async def _done_or_moved(state: StepState) -> None:
        """Until the step is done or its due date moves."""
        due_at = state.due_at
        await workflow.wait_condition(lambda: not state.pending or state.due_at != due_at)

    async def _watch(self, state: StepState, spec: StepSpec) -> None:
        """Remind before the due date, then mark the step overdue or close it by silence."""
        while state.due_at is not None and state.pending:
            due_at = state.due_at

            def moved(due_at: datetime = due_at) -> bool:
                return state.due_at != due_at

            if state.remind_at is not None and not state.reminded:
                done = await self._wait_until(state, state.remind_at, moved)
                if moved():
                    continue
                if not done and workflow.now() < due_at:
                    await self._notify(state, NotificationKind.RAPPEL)
            if state.pending:
                done = await self._wait_until(state, due_at, moved)
                if moved():
                    continue
                if not done and spec.silence_outcome:
                    self._close_by_silence(state, spec.silence_outcome)
                elif not done:
                    await self._mark_overdue(state)
            return

    async def _wait_until(
        self, state: StepState, instant: datetime, moved: Callable[[], bool]
    ) -> bool:
        """True once the step is no longer pending (or its due date moved); False when
        `instant` comes first."""
        delay = instant - workflow.now()
        if delay <= timedelta(0):
            return not state.pending
        try:
            await workflow.wait_condition(lambda: not state.pending or moved(), timeout=delay)
        except TimeoutError:
            return False
        return True

    def _close_by_silence(self, state: StepState, outcome: str) -> None:
        assert state.due is not None
        self.dossier.complete(state, outcome=outcome, on=state.due, sub=SILENCE_SUB, implicite=True)
        self.dossier.timeline.completed(state, self.dossier.outcome_label(state))

    async def _mark_overdue(self, state: StepState) -> None:
        state.overdue = True
        self.dossier.timeline.overdue(state)
        await self._notify(state, NotificationKind.ESCALADE)

    async def _notify(self, state: StepState, kind: NotificationKind) -> None:
        await self.work.activity(
            NOTIFY_ACTIVITY, self._notification(state, kind), timeout=timedelta(minutes=1)
        )
        if kind == NotificationKind.RAPPEL:
            state.reminded = True
            self.dossier.timeline.reminded(state)
        else:
            state.escalated = True
            self.dossier.timeline.escalated(state)

    def _notification(self, state: StepState, kind: NotificationKind) -> Notification:
        start = self.dossier.start
        due = french_date(state.due) if state.due else ""
        if kind == NotificationKind.RAPPEL:
            subject = f"Rappel : « {state.label} » à accomplir avant le {due}"
        else:
            subject = f"Escalade : « {state.label} » en retard depuis le {due}"
        body = (
            f"Procédure {start.procedure_id} ({self.dossier.definition.label}).\n"
            f"Étape : {state.label}\nÉchéance : {due} — {state.due_explanation}\n"
        )
        return Notification(
            id=f"{start.procedure_id}:{state.step_id}:{kind.value}",
            kind=kind,
            procedure_id=start.procedure_id,
            step_key=state.key,
            org_id=state.org,
            subject=subject,
            body=body,
        )
