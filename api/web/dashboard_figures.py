"""The figures of the managers' dashboard over the procedures their organisation sees,
filtered by period, commune and kind (read-model queries scoped by `store.visibility`)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from domain.steps import StepStatus
from store.dashboard import PendingCount
from store.departement_filter import in_departement
from store.queries import TaskRow, organisation_names
from store.tables import Commune, Organisation, Procedure, Step
from store.visibility import Scope, scope_clause

# Bands of lateness, in days past the due date: (first day, last day or None, label).
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 7, "7 jours au plus"),
    (8, 30, "8 à 30 jours"),
    (31, 90, "31 à 90 jours"),
    (91, None, "plus de 90 jours"),
)
WEEKS_SHOWN = 12
_BAILLEUR = aliased(Organisation, name="dashboard_bailleur")


@dataclass(frozen=True)
class DashboardFilters:
    """Steps opened in [start, end], of procedures of one commune and one kind; None: any."""

    start: date | None = None
    end: date | None = None
    commune: str | None = None
    kind: str | None = None
    departement: str | None = None


@dataclass(frozen=True)
class StepTiming:
    """How long the completed steps of one key took, in days."""

    kind: str
    key: str
    label: str
    count: int
    median_days: float
    p90_days: float


@dataclass
class DashboardData:
    """Everything the dashboard shows, and the pending steps its CSV export lists."""

    pending: int
    overdue: int
    by_actor: list[PendingCount]
    by_organisation: list[PendingCount]
    age_bands: list[tuple[str, int]]
    timings: list[StepTiming]
    oldest_overdue: list[TaskRow]  # every late step, the oldest due date first
    weekly: list[tuple[date, int, int]]  # Monday of the week, steps opened, steps completed
    pending_rows: list[TaskRow] = field(default_factory=list)


def _where(scope: Scope, filters: DashboardFilters) -> list[ColumnElement[bool]]:
    clauses = [scope_clause(scope)]
    if filters.kind:
        clauses.append(col(Procedure.kind) == filters.kind)
    if filters.commune:
        clauses.append(col(Procedure.commune_insee) == filters.commune)
    if filters.departement:
        clauses.append(in_departement(col(Procedure.commune_insee), filters.departement))
    return clauses


def _period(filters: DashboardFilters) -> list[ColumnElement[bool]]:
    clauses = []
    if filters.start:
        clauses.append(col(Step.opened_on) >= filters.start)
    if filters.end:
        clauses.append(col(Step.opened_on) <= filters.end)
    return clauses


def pending_steps(session: Session, scope: Scope, filters: DashboardFilters) -> list[TaskRow]:
    """The pending steps of open procedures the scope sees, nearest due date first."""
    statement: Any = (
        select(Step, Procedure, col(Commune.name), col(_BAILLEUR.name))
        .select_from(Step)
        .join(Procedure, col(Procedure.id) == col(Step.procedure_id))
        .outerjoin(Commune, col(Commune.insee) == col(Procedure.commune_insee))
        .outerjoin(_BAILLEUR, col(_BAILLEUR.id) == col(Procedure.bailleur_id))
        .where(
            col(Step.status) == StepStatus.PENDING.value,
            col(Procedure.status) == "open",
            *_where(scope, filters),
            *_period(filters),
        )
        .order_by(col(Step.due).asc().nulls_last(), col(Step.opened_on), col(Step.id))
    )
    return [TaskRow(*row) for row in session.exec(statement)]


def completed_steps(
    session: Session, scope: Scope, filters: DashboardFilters, key: str | None = None
) -> list[TaskRow]:
    """The completed steps whose durations the dashboard counts (of step `key` alone when one
    is given), the latest completed first (a step of a dossier imported in progress, done
    before it was recorded, is left out)."""
    statement: Any = (
        select(Step, Procedure, col(Commune.name), col(_BAILLEUR.name))
        .select_from(Step)
        .join(Procedure, col(Procedure.id) == col(Step.procedure_id))
        .outerjoin(Commune, col(Commune.insee) == col(Procedure.commune_insee))
        .outerjoin(_BAILLEUR, col(_BAILLEUR.id) == col(Procedure.bailleur_id))
        .where(
            col(Step.status) == StepStatus.DONE.value,
            col(Step.completed_on).is_not(None),
            col(Step.completed_on) >= col(Step.opened_on),
            *_where(scope, filters),
            *_period(filters),
            *([col(Step.key) == key] if key is not None else []),
        )
        .order_by(col(Step.completed_on).desc(), col(Step.id))
    )
    return [TaskRow(*row) for row in session.exec(statement)]


def _timings(session: Session, scope: Scope, filters: DashboardFilters) -> list[StepTiming]:
    days: dict[tuple[str, str], list[int]] = {}
    names: dict[tuple[str, str], str] = {}
    for row in completed_steps(session, scope, filters):
        step, kind = row.step, row.procedure.kind
        assert step.completed_on is not None
        days.setdefault((kind, step.key), []).append((step.completed_on - step.opened_on).days)
        names[(kind, step.key)] = step.label
    return [
        StepTiming(
            kind,
            key,
            names[(kind, key)],
            len(values),
            float(statistics.median(values)),
            percentile_90(values),
        )
        for (kind, key), values in sorted(days.items())
    ]


def percentile_90(values: list[int]) -> float:
    """The 90th percentile of `values` (linear interpolation between the closest ranks)."""
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=10, method="inclusive")[-1])


def _weekly(
    session: Session, scope: Scope, filters: DashboardFilters, today: date
) -> list[tuple[date, int, int]]:
    last = filters.end or today
    first = filters.start or last - timedelta(weeks=WEEKS_SHOWN - 1)
    first_monday = first - timedelta(days=first.weekday())
    statement: Any = (
        select(col(Step.opened_on), col(Step.completed_on))
        .select_from(Step)
        .join(Procedure, col(Procedure.id) == col(Step.procedure_id))
        .where(
            *_where(scope, filters),
            or_(col(Step.opened_on) >= first_monday, col(Step.completed_on) >= first_monday),
        )
    )
    opened: Counter[date] = Counter()
    completed: Counter[date] = Counter()
    for opened_on, completed_on in session.exec(statement):
        opened[opened_on - timedelta(days=opened_on.weekday())] += 1
        if completed_on is not None:
            completed[completed_on - timedelta(days=completed_on.weekday())] += 1
    weeks: list[tuple[date, int, int]] = []
    monday = first_monday
    while monday <= last and len(weeks) < 60:
        weeks.append((monday, opened[monday], completed[monday]))
        monday += timedelta(weeks=1)
    return weeks


def _counts(rows: list[TaskRow], key: Any, names: dict[str, str]) -> list[PendingCount]:
    pending: Counter[str] = Counter(key(row) for row in rows)
    late: Counter[str] = Counter(key(row) for row in rows if row.step.overdue)
    return [
        PendingCount(value, names.get(value, value), pending[value], late[value])
        for value in sorted(pending, key=lambda v: (-pending[v], names.get(v, v)))
    ]


def dashboard_data(
    session: Session,
    scope: Scope,
    filters: DashboardFilters,
    actor_labels: dict[str, str],
    today: date,
) -> DashboardData:
    """The dashboard's figures for the procedures `scope` sees."""
    rows = pending_steps(session, scope, filters)
    late = [row for row in rows if row.step.overdue]
    org_names = organisation_names(session, {row.step.org_id for row in rows})
    bands: Counter[str] = Counter()
    for row in late:
        days = (today - row.step.due).days if row.step.due else 0
        for low, high, label in AGE_BANDS:
            if days >= low and (high is None or days <= high):
                bands[label] += 1
    oldest = sorted(late, key=lambda row: (row.step.due or today, row.step.opened_on))
    return DashboardData(
        pending=len(rows),
        overdue=len(late),
        by_actor=_counts(rows, lambda row: row.step.actor, actor_labels),
        by_organisation=_counts(rows, lambda row: row.step.org_id, org_names),
        age_bands=[(label, bands[label]) for _, _, label in AGE_BANDS],
        timings=_timings(session, scope, filters),
        oldest_overdue=oldest,
        weekly=_weekly(session, scope, filters, today),
        pending_rows=rows,
    )
