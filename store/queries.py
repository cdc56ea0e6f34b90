"""Read-model queries behind the API: lists, detail, inbox and dashboard, always scoped."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from domain.steps import StepStatus
from store.tables import Commune, Document, Event, Organisation, Procedure, Step
from store.visibility import Scope, scope_clause

PENDING = StepStatus.PENDING.value
DONE = StepStatus.DONE.value


@dataclass(frozen=True)
class ProcedureFilters:
    """Filters of the procedure list; None means "any"."""

    kind: str | None = None
    status: str | None = None
    actor: str | None = None  # a pending step waits for this actor
    org: str | None = None  # a pending step is assigned to this organisation
    commune: str | None = None
    overdue: bool | None = None
    q: str | None = None


@dataclass(frozen=True)
class ProcedureRow:
    """A procedure of a list with the names it is shown with."""

    procedure: Procedure
    commune_name: str | None
    bailleur_name: str | None


@dataclass(frozen=True)
class ProcedureRecord:
    """Everything the detail of a procedure shows."""

    procedure: Procedure
    commune_name: str | None
    bailleur_name: str | None
    steps: list[Step]
    events: list[Event]
    documents: list[Document]
    org_names: dict[str, str]
    linked: dict[str, Procedure] = field(default_factory=dict)  # linked procedures it sees


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


@dataclass(frozen=True)
class TaskCounts:
    """How many steps of an inbox wait, per step key and per kind, and how many are late."""

    by_step: dict[str, int]
    by_kind: dict[str, int]
    overdue: int


@dataclass(frozen=True)
class PendingCount:
    """Pending and overdue steps of one actor kind or one organisation."""

    key: str
    name: str
    pending: int
    overdue: int


@dataclass(frozen=True)
class StepDuration:
    """Median time, in days, taken by the completed steps of one key."""

    kind: str
    key: str
    label: str
    median_days: float
    count: int


@dataclass(frozen=True)
class DashboardFigures:
    """The figures of a dashboard over the procedures a scope sees."""

    pending: int
    overdue: int
    by_actor: list[PendingCount]
    by_organisation: list[PendingCount]
    oldest_overdue: list[TaskRow]
    durations: list[StepDuration] = field(default_factory=list)


_BAILLEUR = aliased(Organisation, name="bailleur")


def _named(statement: Any) -> Any:
    """Join a statement on Procedure with the commune's and the bailleur's names."""
    return statement.outerjoin(
        Commune, col(Commune.insee) == col(Procedure.commune_insee)
    ).outerjoin(_BAILLEUR, col(_BAILLEUR.id) == col(Procedure.bailleur_id))


_PENDING_STEP = aliased(Step, name="pending_step")


def _pending_step_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    steps = select(col(_PENDING_STEP.id)).where(
        col(_PENDING_STEP.procedure_id) == col(Procedure.id),
        col(_PENDING_STEP.status) == PENDING,
        *conditions,
    )
    return exists(steps)


def _filter_clauses(filters: ProcedureFilters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.kind:
        clauses.append(col(Procedure.kind) == filters.kind)
    if filters.status:
        clauses.append(col(Procedure.status) == filters.status)
    if filters.actor:
        clauses.append(_pending_step_exists(col(_PENDING_STEP.actor) == filters.actor))
    if filters.org:
        clauses.append(_pending_step_exists(col(_PENDING_STEP.org_id) == filters.org))
    if filters.commune:
        clauses.append(col(Procedure.commune_insee) == filters.commune)
    if filters.overdue is not None:
        clauses.append(col(Procedure.overdue) == filters.overdue)
    if filters.q and filters.q.strip():
        needle = filters.q.strip().lower()
        clauses.append(col(Procedure.search_text).contains(needle, autoescape=True))
    return clauses


def list_procedures(
    session: Session, scope: Scope, filters: ProcedureFilters, page: int, per_page: int
) -> tuple[list[ProcedureRow], int]:
    """One page of the visible procedures matching `filters`, by next due date then id."""
    where = [scope_clause(scope), *_filter_clauses(filters)]
    total = session.exec(select(func.count()).select_from(Procedure).where(*where)).one()
    statement = (
        _named(select(Procedure, col(Commune.name), col(_BAILLEUR.name)).select_from(Procedure))
        .where(*where)
        .order_by(col(Procedure.next_due).asc().nulls_last(), col(Procedure.id))
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = [ProcedureRow(p, commune, bailleur) for p, commune, bailleur in session.exec(statement)]
    return rows, int(total)


def get_procedure(session: Session, scope: Scope, procedure_id: str) -> ProcedureRecord | None:
    """The procedure with its steps, timeline and documents, if the scope sees it."""
    statement = _named(
        select(Procedure, col(Commune.name), col(_BAILLEUR.name)).select_from(Procedure)
    ).where(col(Procedure.id) == procedure_id, scope_clause(scope))
    found = session.exec(statement).first()
    if found is None:
        return None
    procedure, commune_name, bailleur_name = found
    steps = session.exec(
        select(Step)
        .where(col(Step.procedure_id) == procedure_id)
        .order_by(col(Step.opened_at), col(Step.seq), col(Step.id))
    ).all()
    events = session.exec(
        select(Event).where(col(Event.procedure_id) == procedure_id).order_by(col(Event.seq))
    ).all()
    org_ids = {s.org_id for s in steps} | {e.org_id for e in events if e.org_id}
    return ProcedureRecord(
        procedure=procedure,
        commune_name=commune_name,
        bailleur_name=bailleur_name,
        steps=list(steps),
        events=list(events),
        documents=list_documents(session, procedure_id),
        org_names=organisation_names(session, org_ids),
        linked=_linked(session, scope, procedure),
    )


def _linked(session: Session, scope: Scope, procedure: Procedure) -> dict[str, Procedure]:
    """The procedures linked to `procedure` that the scope also sees, by id."""
    ids = {
        str(link["procedure_id"])
        for link in procedure.links
        if isinstance(link, dict) and link.get("type") == "lien" and link.get("procedure_id")
    }
    if not ids:
        return {}
    statement = select(Procedure).where(col(Procedure.id).in_(ids), scope_clause(scope))
    return {other.id: other for other in session.exec(statement)}


def list_documents(session: Session, procedure_id: str) -> list[Document]:
    """The documents of a procedure, oldest first (the caller checks visibility)."""
    statement = (
        select(Document)
        .where(col(Document.procedure_id) == procedure_id)
        .order_by(col(Document.created_at), col(Document.id))
    )
    return list(session.exec(statement).all())


def organisation_names(session: Session, org_ids: set[str]) -> dict[str, str]:
    """Names of the given organisations, by id (unknown ids are left out)."""
    if not org_ids:
        return {}
    statement = select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(org_ids))
    return dict(session.exec(statement).all())


def _task_statement(*where: ColumnElement[bool]) -> Any:
    # The oldest first among equal due dates: the legal opening date, then the instant.
    return (
        _named(
            select(Step, Procedure, col(Commune.name), col(_BAILLEUR.name))
            .select_from(Step)
            .join(Procedure, col(Procedure.id) == col(Step.procedure_id))
        )
        .where(col(Step.status) == PENDING, col(Procedure.status) == "open", *where)
        .order_by(
            col(Step.due).asc().nulls_last(),
            col(Step.opened_on),
            col(Step.opened_at),
            col(Step.id),
        )
    )


def inbox(session: Session, org_id: str, filters: TaskFilters | None = None) -> list[TaskRow]:
    """Pending steps assigned to `org_id`, by due date (none last) then age, oldest first."""
    filters = filters or TaskFilters()
    where: list[ColumnElement[bool]] = [col(Step.org_id) == org_id]
    if filters.overdue is not None:
        where.append(col(Step.overdue) == filters.overdue)
    if filters.due_before is not None:
        where.append(col(Step.due) <= filters.due_before)
    equal = (
        (col(Procedure.kind), filters.kind),
        (col(Step.assignee_sub), filters.assignee),
        (col(Step.key), filters.step),
        (col(Procedure.bailleur_id), filters.bailleur),
        (col(Procedure.commune_insee), filters.commune),
    )
    where += [column == value for column, value in equal if value]
    return [TaskRow(*row) for row in session.exec(_task_statement(*where))]


def count_tasks(rows: list[TaskRow]) -> TaskCounts:
    """The counts of an inbox per step key and per kind (sorted by key), and the late ones."""
    by_step = Counter(row.step.key for row in rows)
    by_kind = Counter(row.procedure.kind for row in rows)
    return TaskCounts(
        by_step=dict(sorted(by_step.items())),
        by_kind=dict(sorted(by_kind.items())),
        overdue=sum(1 for row in rows if row.step.overdue),
    )


def _pending_counts(session: Session, scope: Scope, group: Any) -> list[tuple[str, int, int]]:
    overdue = func.sum(case((col(Step.overdue) == true(), 1), else_=0))
    statement = (
        select(group, func.count(), overdue)
        .select_from(Step)
        .join(Procedure, col(Procedure.id) == col(Step.procedure_id))
        .where(col(Step.status) == PENDING, col(Procedure.status) == "open", scope_clause(scope))
        .group_by(group)
        .order_by(group)
    )
    return [(key, int(pending), int(late or 0)) for key, pending, late in session.exec(statement)]


def _durations(session: Session, scope: Scope) -> list[StepDuration]:
    statement = (
        select(Step, col(Procedure.kind))
        .select_from(Step)
        .join(Procedure, col(Procedure.id) == col(Step.procedure_id))
        .where(col(Step.status) == DONE, col(Step.completed_on).is_not(None), scope_clause(scope))
    )
    days: dict[tuple[str, str], list[int]] = {}
    labels: dict[tuple[str, str], str] = {}
    for step, kind in session.exec(statement):
        assert step.completed_on is not None
        days.setdefault((kind, step.key), []).append((step.completed_on - step.opened_on).days)
        labels[(kind, step.key)] = step.label
    return [
        StepDuration(kind, key, labels[(kind, key)], statistics.median(values), len(values))
        for (kind, key), values in sorted(days.items())
    ]


def dashboard(
    session: Session, scope: Scope, actor_labels: dict[str, str], oldest: int = 10
) -> DashboardFigures:
    """Pending and overdue counts, the oldest overdue steps and median step durations."""
    by_actor = [
        PendingCount(actor, actor_labels.get(actor, actor), pending, late)
        for actor, pending, late in _pending_counts(session, scope, col(Step.actor))
    ]
    org_counts = _pending_counts(session, scope, col(Step.org_id))
    names = organisation_names(session, {org for org, _, _ in org_counts})
    by_organisation = [
        PendingCount(org, names.get(org, org), pending, late) for org, pending, late in org_counts
    ]
    statement = _task_statement(col(Step.overdue) == true(), scope_clause(scope)).limit(oldest)
    return DashboardFigures(
        pending=sum(count.pending for count in by_actor),
        overdue=sum(count.overdue for count in by_actor),
        by_actor=by_actor,
        by_organisation=by_organisation,
        oldest_overdue=[TaskRow(*row) for row in session.exec(statement)],
        durations=_durations(session, scope),
    )
