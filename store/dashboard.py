"""The dashboard's figures: pending and late steps by actor and organisation over the open
procedures a scope sees, its oldest late steps, the median step durations.

At a million procedures each is read from an index of its own: a bailleur's counts from its
pending steps' copy of their procedure's bailleur (ix_step_bailleur_pending); a partner's from
the open procedures it holds a step in (ix_step_open_org), whose pending steps are then read one
procedure at a time (ix_step_pending), never by crossing every pending step of the region."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import ColumnElement, String, any_, bindparam, case, false, func, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col, select

from store.departement_filter import in_departement
from store.durations import AS_BAILLEUR, AS_PARTNER, StepDuration, role_of, step_durations
from store.inbox import OPEN, TaskRow, pending_step, task_statement, written
from store.queries import organisation_names
from store.tables import Step
from store.visibility import Scope, scope_clause


@dataclass(frozen=True)
class PendingCount:
    """Pending and overdue steps of one actor kind or one organisation."""

    key: str
    name: str
    pending: int
    overdue: int


@dataclass(frozen=True)
class DashboardFigures:
    """The figures of a dashboard over the procedures a scope sees."""

    pending: int
    overdue: int
    by_actor: list[PendingCount]
    by_organisation: list[PendingCount]
    oldest_overdue: list[TaskRow]
    durations: list[StepDuration] = field(default_factory=list)


# (actor, organisation) → (pending, overdue)
Counts = dict[tuple[str, str], tuple[int, int]]


def dashboard(
    session: Session,
    scope: Scope,
    actor_labels: dict[str, str],
    oldest: int = 10,
    departement: str | None = None,
) -> DashboardFigures:
    """Pending and overdue counts, the oldest overdue steps (of `departement`'s communes when
    one is chosen) and median step durations (over the whole scope: they are counted per
    organisation, store.durations)."""
    area = [in_departement(col(Step.commune_insee), departement)] if departement else []
    role = role_of(scope.org_kind)
    if role == AS_BAILLEUR:
        counts = _bailleur_counts(session, scope.org_id, area)
        # The bailleur's own column keeps the walk of the late steps in due order
        # (ix_step_overdue) short.
        late: list[ColumnElement[bool]] = [scope_clause(scope)]
    elif role == AS_PARTNER:
        counts, late_ids = _partner_counts(session, scope.org_id, area)
        late = [_among(session, col(Step.id), late_ids)] if late_ids else [false()]
    else:
        counts, late = {}, [false()]
    by_actor = _sum_by(counts, 0)
    by_org = _sum_by(counts, 1)
    names = organisation_names(session, set(by_org))
    statement = task_statement(col(Step.overdue) == true(), *late, *area).limit(oldest)
    return DashboardFigures(
        pending=sum(pending for pending, _ in by_actor.values()),
        overdue=sum(overdue for _, overdue in by_actor.values()),
        by_actor=[
            PendingCount(actor, actor_labels.get(actor, actor), *figures)
            for actor, figures in by_actor.items()
        ],
        by_organisation=[
            PendingCount(org, names.get(org, org), *figures) for org, figures in by_org.items()
        ],
        oldest_overdue=[TaskRow(*row) for row in session.exec(statement)],
        durations=step_durations(session, scope),
    )


def _bailleur_counts(session: Session, org_id: str, area: list[ColumnElement[bool]]) -> Counts:
    """A bailleur's pending steps in its open procedures, by (actor, organisation), from the
    index over their copy of the bailleur (ix_step_bailleur_pending) alone."""
    overdue = func.sum(case((col(Step.overdue) == true(), 1), else_=0))
    statement = (
        select(col(Step.actor), col(Step.org_id), func.count(), overdue)
        .where(
            col(Step.bailleur_id) == org_id,
            pending_step(),
            written(col(Step.procedure_status), OPEN),
            *area,
        )
        .group_by(col(Step.actor), col(Step.org_id))
    )
    return {
        (actor, org): (int(pending), int(late or 0))
        for actor, org, pending, late in session.exec(statement)
    }


def _partner_counts(
    session: Session, org_id: str, area: list[ColumnElement[bool]]
) -> tuple[Counts, list[str]]:
    """The pending steps of the open procedures a partner holds a step in, by (actor,
    organisation), and the ids of the late ones. The procedures first (ix_step_open_org), then
    their pending steps by procedure (ix_step_pending): a plan that does not depend on the
    planner's estimate of how many pending steps are late."""
    held = select(col(Step.procedure_id)).where(
        col(Step.org_id) == org_id, written(col(Step.procedure_status), OPEN)
    )
    procedure_ids = list(session.exec(held.distinct()))
    if not procedure_ids:
        return {}, []
    statement = select(col(Step.id), col(Step.actor), col(Step.org_id), col(Step.overdue)).where(
        pending_step(), _among(session, col(Step.procedure_id), procedure_ids), *area
    )
    pending: Counter[tuple[str, str]] = Counter()
    late: Counter[tuple[str, str]] = Counter()
    late_ids = []
    for step_id, actor, org, overdue in session.exec(statement):
        pending[actor, org] += 1
        if overdue:
            late[actor, org] += 1
            late_ids.append(step_id)
    return {key: (count, late[key]) for key, count in pending.items()}, late_ids


def _among(session: Session, column: Any, values: list[str]) -> ColumnElement[bool]:
    """`column` is one of `values`: on PostgreSQL one array parameter (`= ANY`), not hundreds
    of parameters expanded into the statement's text, compiled anew at each request."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(ColumnElement[bool], column == any_(bindparam(None, values, ARRAY(String))))
    return cast(ColumnElement[bool], column.in_(values))


def _sum_by(counts: Counts, position: int) -> dict[str, tuple[int, int]]:
    """The counts summed by actor (position 0) or organisation (1), in key order."""
    totals: dict[str, tuple[int, int]] = {}
    for key, (pending, late) in counts.items():
        before = totals.get(key[position], (0, 0))
        totals[key[position]] = (before[0] + pending, before[1] + late)
    return dict(sorted(totals.items()))
