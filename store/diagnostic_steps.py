"""Decisions and response times of the local diagnostics, in one pass over the steps.

The steps are selected on their copies of their procedure's moment, commune, kind and status
(store.diagnostic_sql.steps_of): for a viewer who counts every procedure, a commune or the whole
département is counted without reading a procedure.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from domain.procedures import DEFINITIONS
from domain.steps import StepStatus
from store.diagnostic_figures import OutcomeCount, ResponseTime, Shown
from store.diagnostic_sql import days_taken, late_clause
from store.tables import Step

DONE = StepStatus.DONE.value
# Steps whose outcome is a decision the partners follow: parquet, courts, enforcement.
OUTCOME_STEPS = tuple(
    sorted(
        {step.key for item in DEFINITIONS.values() for step in item.catalog.steps if step.decision}
    )
)


def step_figures(
    session: Session, scope: list[Any], shown: Shown
) -> tuple[list[OutcomeCount], list[ResponseTime]]:
    """In one pass over the steps of the period's procedures: the decisions of the parquet,
    judgments and expulsions; the median and 90th percentile of the days each actor takes per
    step, and the share overdue."""
    done = and_(col(Step.status) == DONE, col(Step.completed_on).is_not(None))
    decided = and_(col(Step.status) == DONE, col(Step.key).in_(OUTCOME_STEPS))
    timed = or_(col(Step.due).is_not(None), done)
    keys = (
        col(Step.actor),
        col(Step.key),
        col(Step.procedure_kind),
        case((done, days_taken(session.get_bind().dialect.name))),
        case((decided, func.coalesce(col(Step.outcome), ""))),
        case((timed, 1), else_=0),
    )
    late = func.sum(case((late_clause(), 1), else_=0))
    rows = session.exec(
        select(*keys, func.min(col(Step.label)), func.count(), late)  # type: ignore[call-overload]
        .where(*scope, or_(col(Step.due).is_not(None), col(Step.status) == DONE))
        .group_by(*keys)
    ).all()
    outcomes: Counter[tuple[str, str, str]] = Counter()
    labels: dict[tuple[str, str], str] = {}
    steps: Counter[tuple[str, str]] = Counter()
    overdue: Counter[tuple[str, str]] = Counter()
    durations: dict[tuple[str, str], list[int]] = {}
    for actor, key, kind, taken, outcome, is_timed, label, count, late_count in rows:
        if outcome is not None:
            outcomes[(kind, key, outcome)] += count
        if not is_timed:
            continue
        step = (actor, key)
        labels[step] = min(labels.get(step, label), label)
        steps[step] += count
        overdue[step] += int(late_count or 0)
        if taken is not None:
            durations.setdefault(step, []).extend([max(int(taken), 0)] * count)
    return (
        [OutcomeCount(*decision, shown(n)) for decision, n in sorted(outcomes.items())],
        [
            ResponseTime.of(
                *step, labels[step], sorted(durations.get(step, [])), n, overdue[step], shown
            )
            for step, n in sorted(steps.items())
        ],
    )
