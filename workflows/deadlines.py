"""Watching a pending step's deadline: remind, then mark overdue and escalate, or close it
with the outcome the law gives silence."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow

from domain.calendar import french_date
from domain.contracts import (
    Notification,
    NotificationKind,
)
from domain.steps import StepSpec, StepState, StepStatus
from workflows.handlers import ProcedureHandlers
from workflows.state import ACTIVITY_RETRY, NOTIFY_ACTIVITY, ProcedureCancelled


class DeadlineWatch(ProcedureHandlers):
    """Reminders, overdue steps, escalations and implicit outcomes."""

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
        if state.pending or not self._projects_locally():
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
