"""Fixing a step's due date: a local activity, so the date is recorded in history once given.

A library upgrade that changes the holiday table never changes a due date already given to a
running procedure: replay reads the recorded result instead of computing it again.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from temporalio import activity

from domain.calendar import compute_deadline, earliest_expulsion, french_date, is_working_day
from domain.contracts import DeadlineRequest, DeadlineResult, ExpulsionRequest

PARIS = ZoneInfo("Europe/Paris")
REMINDER_HOUR = time(8, 0)


def end_of_day(day: date) -> datetime:
    """24:00 Europe/Paris on `day`: the instant a deadline ending that day passes."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=PARIS)


def reminder_instant(start: date, due: date, working_days: int) -> datetime | None:
    """08:00 Europe/Paris, `working_days` working days before the due date, after the start."""
    if working_days <= 0:
        return None
    day, counted = due, 0
    while counted < working_days:
        day -= timedelta(days=1)
        counted += is_working_day(day)
    if day <= start:
        return None  # no lead time left after the step opens: the due date itself is the alert
    return datetime.combine(day, REMINDER_HOUR, tzinfo=PARIS)


@activity.defn(name="compute_deadline")
async def compute_step_deadline(request: DeadlineRequest) -> DeadlineResult:
    """The due date of a step, from a rule and its start date, or from a fixed date."""
    if request.fixed is not None:
        due = request.fixed
        explanation = f"{request.fixed_label or 'date fixée'} : {french_date(due, weekday=True)}"
        deadline = None
        legal_basis = ""
    elif request.rule is not None:
        deadline = compute_deadline(request.start, request.rule)
        due, explanation, legal_basis = deadline.due, deadline.explanation, deadline.legal_basis
    else:
        raise ValueError("une règle de délai ou une date fixée est requise")
    return DeadlineResult(
        due=due,
        day_starts_at=end_of_day(due - timedelta(days=1)),
        due_at=end_of_day(due),
        remind_at=reminder_instant(request.start, due, request.reminder_working_days),
        explanation=explanation,
        legal_basis=legal_basis,
        deadline=deadline,
    )


@activity.defn(name="compute_expulsion_date")
async def compute_expulsion_date(request: ExpulsionRequest) -> DeadlineResult:
    """The earliest legal expulsion date: trêve hivernale, then not a Sunday or holiday."""
    deadline = earliest_expulsion(
        request.not_before,
        request.treve,
        request.exception,
        request.concours_le,
        request.not_before_reason,
    )
    return DeadlineResult(
        due=deadline.due,
        day_starts_at=end_of_day(deadline.due - timedelta(days=1)),
        due_at=end_of_day(deadline.due),
        remind_at=None,
        explanation=deadline.explanation,
        legal_basis=deadline.legal_basis,
        deadline=deadline,
    )
