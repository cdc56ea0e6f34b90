"""Read-model queries behind the API: lists, detail, inbox and dashboard, always scoped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import ColumnElement, case, exists, false, func, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from domain.steps import StepStatus
from store.durations import AS_BAILLEUR, AS_PARTNER, role_of, step_durations
from store.durations import StepDuration as StepDuration
from store.inbox import (
    BAILLEUR,
    OPEN,
    TaskRow,
    named,
    open_procedure,
    pending_step,
    task_statement,
    written,
)
from store.inbox import TaskCounts as TaskCounts
from store.inbox import TaskFilters as TaskFilters
from store.inbox import count_tasks as count_tasks
from store.inbox import inbox as inbox
from store.inbox import inbox_counts as inbox_counts
from store.list_order import ListOrder, procedure_order
from store.search import search_clause
from store.tables import Commune, Document, Event, Organisation, Piece, Procedure, Step
from store.visibility import Scope, SearchTier, scope_clause, search_tier

PENDING = StepStatus.PENDING.value
T = TypeVar("T", Document, Piece)


@dataclass(frozen=True)
class ProcedureFilters:
    """Filters of the procedure list; None means "any"."""

    kind: str | None = None
    status: str | None = None
    actor: str | None = None  # a pending step waits for this actor
    org: str | None = None  # a pending step is assigned to this organisation
    commune: str | None = None
    overdue: bool | None = None
    q: str | None = None  # terms matched against what the caller may read (store.search)


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


_PENDING_STEP = aliased(Step, name="pending_step")


def _pending_step_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    steps = select(col(_PENDING_STEP.id)).where(
        col(_PENDING_STEP.procedure_id) == col(Procedure.id),
        written(col(_PENDING_STEP.status), PENDING),
        *conditions,
    )
    return exists(steps)


def _filter_clauses(filters: ProcedureFilters, tier: SearchTier) -> list[ColumnElement[bool]]:
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
    found = search_clause(filters.q, tier)
    if found is not None:
        clauses.append(found)
    return clauses


def list_procedures(
    session: Session,
    scope: Scope,
    filters: ProcedureFilters,
    page: int,
    per_page: int,
    order: ListOrder | None = None,
) -> tuple[list[ProcedureRow], int]:
    """One page of the visible procedures matching `filters`, by next due date then id, or in
    the `order` asked for (then id)."""
    tier = search_tier(scope.org_kind, scope.role)
    where = [scope_clause(scope), *_filter_clauses(filters, tier)]
    total = session.exec(select(func.count()).select_from(Procedure).where(*where)).one()
    by = (
        procedure_order(order)
        if order
        else (col(Procedure.next_due).asc().nulls_last(), col(Procedure.id))
    )
    # The page's ids first, from the index alone (ix_procedure_bailleur_list holds the default
    # order and the columns filtered on), then only their rows: not every matching row read.
    ids = select(col(Procedure.id)).select_from(Procedure)
    if order:  # the commune's collation key may be the order
        ids = ids.outerjoin(Commune, col(Commune.insee) == col(Procedure.commune_insee))
    page_ids = ids.where(*where).order_by(*by).offset((page - 1) * per_page).limit(per_page)
    statement = (
        named(select(Procedure, col(Commune.name), col(BAILLEUR.name)).select_from(Procedure))
        .where(col(Procedure.id).in_(page_ids))
        .order_by(*by)
    )
    rows = [ProcedureRow(p, commune, bailleur) for p, commune, bailleur in session.exec(statement)]
    return rows, int(total)


def get_procedure(session: Session, scope: Scope, procedure_id: str) -> ProcedureRecord | None:
    """The procedure with its steps, timeline and documents, if the scope sees it."""
    statement = named(
        select(Procedure, col(Commune.name), col(BAILLEUR.name)).select_from(Procedure)
    ).where(col(Procedure.id) == procedure_id, scope_clause(scope))
    found = session.exec(statement).first()
    if found is None:
        return None
    procedure, commune_name, bailleur_name = found
    steps, events = steps_and_events(session, procedure_id)
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


def steps_and_events(session: Session, procedure_id: str) -> tuple[list[Step], list[Event]]:
    """The steps of a procedure in the order they opened (an imported dossier's past steps in
    the procedure's order, before the steps opened since), and its timeline."""
    steps = session.exec(
        select(Step)
        .where(col(Step.procedure_id) == procedure_id)
        .order_by(col(Step.position), col(Step.opened_at), col(Step.seq), col(Step.id))
    ).all()
    events = session.exec(
        select(Event).where(col(Event.procedure_id) == procedure_id).order_by(col(Event.seq))
    ).all()
    return list(steps), list(events)


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
    return _oldest_first(session, Document, procedure_id)


def pieces_of(session: Session, procedure_id: str) -> list[Piece]:
    """The exhibits of a procedure in the order they are numbered (oldest first)."""
    return _oldest_first(session, Piece, procedure_id)


def _oldest_first(session: Session, table: type[T], procedure_id: str) -> list[T]:
    """The rows of `table` (documents, exhibits) of a procedure, in the order they came."""
    statement = (
        select(table)
        .where(col(table.procedure_id) == procedure_id)  # type: ignore[attr-defined]
        .order_by(col(table.created_at), col(table.id))  # type: ignore[attr-defined]
    )
    return list(session.exec(statement).all())


def organisation_names(session: Session, org_ids: set[str]) -> dict[str, str]:
    """Names of the given organisations, by id (unknown ids are left out)."""
    if not org_ids:
        return {}
    statement = select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(org_ids))
    return dict(session.exec(statement).all())


def commune_names(session: Session) -> dict[str, str]:
    """The name of every commune of the territory, by INSEE code."""
    return dict(session.exec(select(Commune.insee, Commune.name)).all())


_HELD_STEP = aliased(Step, name="held_step")


def _in_open_scope(scope: Scope) -> ColumnElement[bool]:
    """The step belongs to an open procedure the scope sees. The rule of `store.visibility`
    narrowed to open procedures and read from an index: a bailleur's open procedures
    (ix_procedure_bailleur_list), or the steps a partner holds in open procedures
    (ix_step_open_org, on the steps' copy of their procedure's status), rather than testing
    whether the partner holds a step in each open procedure."""
    role = role_of(scope.org_kind)
    if role == AS_BAILLEUR:
        ids = select(col(Procedure.id)).where(
            col(Procedure.bailleur_id) == scope.org_id, open_procedure()
        )
    elif role == AS_PARTNER:
        ids = select(col(_HELD_STEP.procedure_id)).where(
            col(_HELD_STEP.org_id) == scope.org_id,
            written(col(_HELD_STEP.procedure_status), OPEN),
        )
    else:
        return false()
    return col(Step.procedure_id).in_(ids)


def _pending_counts(session: Session, scope: Scope) -> list[tuple[str, str, int, int]]:
    """Pending and late steps per (actor, organisation), in one pass over the scope."""
    overdue = func.sum(case((col(Step.overdue) == true(), 1), else_=0))
    statement = (
        select(col(Step.actor), col(Step.org_id), func.count(), overdue)
        .where(pending_step(), _in_open_scope(scope))
        .group_by(col(Step.actor), col(Step.org_id))
    )
    return [
        (actor, org, int(pending), int(late or 0))
        for actor, org, pending, late in session.exec(statement)
    ]


def _sum_by(rows: list[tuple[str, str, int, int]], actor: bool) -> list[tuple[str, int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for by_actor, by_org, pending, late in rows:
        key = by_actor if actor else by_org
        before = totals.get(key, (0, 0))
        totals[key] = (before[0] + pending, before[1] + late)
    return [(key, pending, late) for key, (pending, late) in sorted(totals.items())]


def dashboard(
    session: Session, scope: Scope, actor_labels: dict[str, str], oldest: int = 10
) -> DashboardFigures:
    """Pending and overdue counts, the oldest overdue steps and median step durations."""
    counts = _pending_counts(session, scope)
    by_actor = [
        PendingCount(actor, actor_labels.get(actor, actor), pending, late)
        for actor, pending, late in _sum_by(counts, actor=True)
    ]
    org_counts = _sum_by(counts, actor=False)
    names = organisation_names(session, {org for org, _, _ in org_counts})
    by_organisation = [
        PendingCount(org, names.get(org, org), pending, late) for org, pending, late in org_counts
    ]
    # A bailleur's own column keeps the walk of the overdue steps in due order (ix_step_overdue)
    # short; a partner's steps in open procedures tell which of them it sees.
    partner = role_of(scope.org_kind) == AS_PARTNER
    seen = _in_open_scope(scope) if partner else scope_clause(scope)
    statement = task_statement(col(Step.overdue) == true(), seen).limit(oldest)
    return DashboardFigures(
        pending=sum(count.pending for count in by_actor),
        overdue=sum(count.overdue for count in by_actor),
        by_actor=by_actor,
        by_organisation=by_organisation,
        oldest_overdue=[TaskRow(*row) for row in session.exec(statement)],
        durations=step_durations(session, scope),
    )
