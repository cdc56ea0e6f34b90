"""Read-model queries behind the API: lists, detail and inbox, always scoped (the dashboard:
store.dashboard)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, exists, func, text
from sqlalchemy.orm import aliased
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import Session, col, select

from domain.steps import StepStatus
from store.departement_filter import in_departement
from store.inbox import (
    BAILLEUR,
    named,
    written,
)
from store.inbox import TaskCounts as TaskCounts
from store.inbox import TaskFilters as TaskFilters
from store.inbox import TaskRow as TaskRow
from store.inbox import count_tasks as count_tasks
from store.inbox import inbox as inbox
from store.inbox import inbox_counts as inbox_counts
from store.list_order import ListOrder, procedure_order
from store.search import COUNT_CAP, search_clause, search_terms
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
    departement: str | None = None  # the code of a département loaded (store.departement_filter)


@dataclass(frozen=True)
class ProcedureListPage:
    """One page of a procedure list and the count of the whole list; `capped`: a search found
    more than COUNT_CAP procedures, and `total` says only that many."""

    rows: list[ProcedureRow]
    total: int
    capped: bool = False


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


_PENDING_STEP = aliased(Step, name="pending_step")


def _pending_step_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    steps = select(col(_PENDING_STEP.id)).where(
        col(_PENDING_STEP.procedure_id) == col(Procedure.id),
        written(col(_PENDING_STEP.status), PENDING),
        *conditions,
    )
    return exists(steps)


def _filter_clauses(
    filters: ProcedureFilters, tier: SearchTier, *, indexed: bool = True
) -> list[ColumnElement[bool]]:
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
    if filters.departement:
        clauses.append(in_departement(col(Procedure.commune_insee), filters.departement))
    if filters.overdue is not None:
        clauses.append(col(Procedure.overdue) == filters.overdue)
    found = search_clause(filters.q, tier, indexed=indexed)
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
) -> ProcedureListPage:
    """One page of the visible procedures matching `filters`, by next due date then id, or in
    the `order` asked for (then id). A search counts up to COUNT_CAP matches: a word found in
    half the procedures is not worth counting one by one, and the page says "plus de"."""
    tier = search_tier(scope.org_kind, scope.role)
    where = [scope_clause(scope), *_filter_clauses(filters, tier)]
    searched = bool(search_terms(filters.q))
    by = (
        procedure_order(order)
        if order
        else (col(Procedure.next_due).asc().nulls_last(), col(Procedure.id))
    )
    offset = (page - 1) * per_page
    on_page: list[str] = []
    if searched:
        # One read of the matches through the search index gives the count and, under the
        # cap, the page.
        on_page, total = _few_matches_page(session, where, by, order is not None, offset, per_page)
    else:
        total = session.exec(select(func.count()).select_from(Procedure).where(*where)).one()
    capped = searched and total > COUNT_CAP
    if not searched or capped:
        if capped:  # many matches: walk the order, the text read row by row until the page is full
            where = [scope_clause(scope), *_filter_clauses(filters, tier, indexed=False)]
        # The page's ids first, from an index in the list's order where one serves, then only
        # their rows: not every matching row read.
        ids = select(col(Procedure.id)).select_from(Procedure)
        if order:  # the commune's collation key may be the order
            ids = ids.outerjoin(Commune, col(Commune.insee) == col(Procedure.commune_insee))
        page_ids = ids.where(*where).order_by(*by).offset(offset).limit(per_page)
        with _without_sorting(session, capped):
            on_page = list(session.exec(page_ids).all())
    statement = (
        named(select(Procedure, col(Commune.name), col(BAILLEUR.name)).select_from(Procedure))
        .where(col(Procedure.id).in_(on_page))
        .order_by(*by)
    )
    rows = [ProcedureRow(p, commune, bailleur) for p, commune, bailleur in session.exec(statement)]
    return ProcedureListPage(rows, COUNT_CAP if capped else int(total), capped)


@contextmanager
def _without_sorting(session: Session, walk: bool) -> Iterator[None]:
    """For a search with more than COUNT_CAP matches: PostgreSQL told to read the page in the
    order of an index (a bailleur's, ix_procedure_bailleur_due) rather than sort every match.
    Its estimate of a text's matches is too rough to choose alone: a common word then read a
    hundred thousand procedures to sort them."""
    if not walk or session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(text("SET LOCAL enable_sort = off"))
    session.execute(text("SET LOCAL jit = off"))  # the estimate of a walk is high, its cost not
    try:
        yield
    finally:
        session.execute(text("RESET enable_sort"))
        session.execute(text("RESET jit"))


def _few_matches_page(
    session: Session,
    where: list[ColumnElement[bool]],
    by: tuple[Any, ...],
    communes: bool,
    offset: int,
    limit: int,
) -> tuple[list[str], int]:
    """The ids of one page of a search's matches and how many match, COUNT_CAP + 1 at most
    (then the page is to be walked in order instead: `list_procedures`). The matches are read
    once through the search index, then ordered; materialized, so that the planner does not
    walk the order's index instead, reading thousands of procedures to find a few."""
    matched = (
        select(
            col(Procedure.id),
            col(Procedure.next_due),
            col(Procedure.created_at),
            col(Procedure.commune_insee),
        )
        .where(*where)
        .limit(COUNT_CAP + 1)
        .cte("matched")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    total = select(func.count()).select_from(matched).scalar_subquery()
    ids = select(matched.c.id, total)
    if communes:
        ids = ids.outerjoin(Commune, col(Commune.insee) == matched.c.commune_insee)
    adapter = ClauseAdapter(matched)
    # An ORM attribute is adapted through its column.
    columns = (getattr(b, "__clause_element__", lambda b=b: b)() for b in by)
    statement = ids.order_by(*(adapter.traverse(c) for c in columns)).offset(offset).limit(limit)
    rows = session.exec(statement).all()
    if rows:
        return [row_id for row_id, _ in rows], int(rows[0][1])
    # A page past the last: the count alone.
    return [], int(session.exec(select(func.count()).select_from(matched)).one())


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
