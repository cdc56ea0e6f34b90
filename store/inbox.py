"""The inbox of an organisation: its pending steps, one page at a time, and their counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, bindparam, case, func, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from domain.steps import StepStatus
from store.list_order import ListOrder, step_order
from store.search import search_clause
from store.tables import Commune, Organisation, Procedure, Step
from store.visibility import SearchTier

PENDING = StepStatus.PENDING.value
OPEN = "open"


@dataclass(frozen=True)
class TaskRow:
    """A pending step with the procedure it belongs to."""

    step: Step
    procedure: Procedure
    commune_name: str | None
    bailleur_name: str | None


@dataclass(frozen=True)
class TaskFilters:
    """Filters of an inbox; None means "any"."""

    overdue: bool | None = None
    due_before: date | None = None
    kind: str | None = None
    assignee: str | None = None  # the person (sub) the step is assigned to
    step: str | None = None
    bailleur: str | None = None
    commune: str | None = None
    q: str | None = None  # terms of a search (store.search)
    # The text the terms are matched against: the organisation's, by its kind and the role
    # of the caller; the narrowest unless the caller's is given.
    tier: SearchTier = SearchTier.IN_PROGRESS


@dataclass(frozen=True)
class TaskCounts:
    """How many steps of an inbox wait, per step key and per kind, and how many are late."""

    by_step: dict[str, int]
    by_kind: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        """How many steps wait in all."""
        return sum(self.by_step.values())


BAILLEUR = aliased(Organisation, name="bailleur")


def named(statement: Any) -> Any:
    """Join a statement on Procedure with the commune's and the bailleur's names."""
    return statement.outerjoin(
        Commune, col(Commune.insee) == col(Procedure.commune_insee)
    ).outerjoin(BAILLEUR, col(BAILLEUR.id) == col(Procedure.bailleur_id))


def written(column: Any, value: str) -> ColumnElement[bool]:
    """`column = value` with the value written in the SQL, not bound: the planner then uses the
    partial indexes whose condition it is, even in a generic plan of a prepared statement."""
    return cast(ColumnElement[bool], column == bindparam(None, value, literal_execute=True))


def pending_step() -> ColumnElement[bool]:
    """The step is pending (the condition of the partial indexes over pending steps)."""
    return written(col(Step.status), PENDING)


def open_procedure() -> ColumnElement[bool]:
    """The procedure is open, written as a literal like the pending condition."""
    return written(col(Procedure.status), OPEN)


def _pending_where(*where: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    return [pending_step(), open_procedure(), *where]


def task_statement(*where: ColumnElement[bool]) -> Any:
    """Pending steps of open procedures matching `where`, with their names, oldest first."""
    # The oldest first among equal due dates: the legal opening date, then the instant. The
    # order is that of the index ix_step_inbox, so a page reads only its own rows.
    return (
        named(
            select(Step, Procedure, col(Commune.name), col(BAILLEUR.name))
            .select_from(Step)
            .join(Procedure, col(Procedure.id) == col(Step.procedure_id))
        )
        .where(*_pending_where(*where))
        .order_by(
            col(Step.due).asc().nulls_last(),
            col(Step.opened_on),
            col(Step.opened_at),
            col(Step.id),
        )
    )


def _inbox_where(org_id: str, filters: TaskFilters) -> list[ColumnElement[bool]]:
    return [*_step_where(org_id, filters), *_procedure_where(filters)]


def _step_where(org_id: str, filters: TaskFilters) -> list[ColumnElement[bool]]:
    # On the step's own columns (its copies of the procedure's kind and commune) wherever they
    # exist, so that the counts read the index over pending steps alone.
    where: list[ColumnElement[bool]] = [col(Step.org_id) == org_id]
    if filters.overdue is not None:
        where.append(col(Step.overdue) == filters.overdue)
    if filters.due_before is not None:
        where.append(col(Step.due) <= filters.due_before)
    equal = (
        (col(Step.procedure_kind), filters.kind),
        (col(Step.assignee_sub), filters.assignee),
        (col(Step.key), filters.step),
        (col(Step.commune_insee), filters.commune),
    )
    return where + [column == value for column, value in equal if value]


def _procedure_where(filters: TaskFilters) -> list[ColumnElement[bool]]:
    where = [col(Procedure.bailleur_id) == filters.bailleur] if filters.bailleur else []
    # Read row by row on the organisation's pending steps, a few thousand at most: the trigram
    # index would read every procedure of the region holding the word.
    found = search_clause(filters.q, filters.tier, indexed=False)
    return where if found is None else [*where, found]


def inbox(
    session: Session,
    org_id: str,
    filters: TaskFilters | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    order: ListOrder | None = None,
) -> list[TaskRow]:
    """Pending steps assigned to `org_id`, by due date (none last) then age, oldest first, or
    in the `order` asked for (then id); all of them, or `limit` from `offset`."""
    statement = task_statement(*_inbox_where(org_id, filters or TaskFilters()))
    if order:
        statement = statement.order_by(None).order_by(*step_order(order))
    if limit is not None:
        statement = statement.offset(offset).limit(limit)
    return [TaskRow(*row) for row in session.exec(statement)]


def inbox_counts(session: Session, org_id: str, filters: TaskFilters | None = None) -> TaskCounts:
    """The counts of the whole filtered inbox (per step key, per kind, late), grouped in SQL
    over the index of pending steps (ix_step_inbox), without reading the procedures unless
    filtered by bailleur or searched."""
    filters = filters or TaskFilters()
    steps: Any = (
        select(col(Step.key), col(Step.procedure_kind), col(Step.overdue), col(Step.procedure_id))
        .where(pending_step(), written(col(Step.procedure_status), OPEN))
        .where(*_step_where(org_id, filters))
    )
    on_procedure = _procedure_where(filters)
    if on_procedure:
        # The organisation's pending steps first, from the index alone (materialized), then
        # their procedures read by key: the planner would otherwise cross every open step of
        # the organisation with every pending step of the region.
        steps = steps.cte("org_steps").prefix_with("MATERIALIZED", dialect="postgresql")
        source: Any = steps.join(Procedure, col(Procedure.id) == steps.c.procedure_id)
    else:
        steps = steps.subquery("org_steps")
        source = steps
    late = func.sum(case((steps.c.overdue == true(), 1), else_=0))
    statement = (
        select(steps.c.key, steps.c.procedure_kind, func.count(), late)
        .select_from(source)
        .where(*on_procedure)
        .group_by(steps.c.key, steps.c.procedure_kind)
    )
    by_step: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    overdue = 0
    for key, kind, count, late_count in session.exec(statement):
        by_step[key] += int(count)
        by_kind[kind or ""] += int(count)
        overdue += int(late_count or 0)
    return TaskCounts(
        by_step=dict(sorted(by_step.items())),
        by_kind=dict(sorted(by_kind.items())),
        overdue=overdue,
    )


def count_tasks(rows: list[TaskRow]) -> TaskCounts:
    """The counts of an inbox per step key and per kind (sorted by key), and the late ones."""
    by_step = Counter(row.step.key for row in rows)
    by_kind = Counter(row.procedure.kind for row in rows)
    return TaskCounts(
        by_step=dict(sorted(by_step.items())),
        by_kind=dict(sorted(by_kind.items())),
        overdue=sum(1 for row in rows if row.step.overdue),
    )
