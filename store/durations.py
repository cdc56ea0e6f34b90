"""Median step durations without reading the steps: how many completed steps of each key took
each number of days, counted per organisation and per way it sees the procedures (as their
bailleur, or as a partner holding one of their steps: the two rules of `store.visibility`).

The projection keeps the counts: each procedure's ledger says what it last added, and a new
snapshot adds only the difference, so a replayed projection counts nothing twice. Durations are
whole days, so the medians read from the counts are exact."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sql_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from domain.actors import OrgKind
from domain.steps import IMPORT_SUB, StepStatus
from store.tables import DurationLedger, Procedure, Step, StepDurationCount
from store.visibility import PARTNER_KINDS, Scope

AS_BAILLEUR = "bailleur"
AS_PARTNER = "partenaire"
DONE = StepStatus.DONE.value
KEY = ("org_id", "role", "kind", "key", "days")


@dataclass(frozen=True)
class StepDuration:
    """Median time, in days, taken by the completed steps of one key."""

    kind: str
    key: str
    label: str
    median_days: float
    count: int


@dataclass(frozen=True)
class StepFacts:
    """What the counts need of one step."""

    key: str
    label: str
    org_id: str
    status: str
    opened_on: date
    completed_on: date | None


def role_of(org_kind: str | None) -> str | None:
    """How an organisation of this kind sees procedures (None: it sees none)."""
    if org_kind == OrgKind.BAILLEUR:
        return AS_BAILLEUR
    if org_kind in PARTNER_KINDS:
        return AS_PARTNER
    return None


def ledger_of(bailleur_id: str, steps: Iterable[StepFacts]) -> tuple[list[Any], list[Any]]:
    """The viewers ([organisation, role]) and the durations ([key, days]) of a procedure."""
    steps = list(steps)
    partners = sorted({s.org_id for s in steps})
    viewers = [[bailleur_id, AS_BAILLEUR], *([org, AS_PARTNER] for org in partners)]
    durations = sorted(
        [s.key, (s.completed_on - s.opened_on).days]
        for s in steps
        if s.status == DONE and s.completed_on is not None
    )
    return viewers, durations


def entries(kind: str, viewers: list[Any], durations: list[Any]) -> Counter[tuple[Any, ...]]:
    """What a ledger adds to the counts: each duration once for each viewer."""
    return Counter((org, role, kind, key, days) for org, role in viewers for key, days in durations)


def add_counts(session: Session, changes: Counter[tuple[Any, ...]], labels: dict[str, str]) -> None:
    """Add `changes` (negative: remove) to the counts, in key order (no deadlock between two
    projections), in one upsert statement run for each row; a step key's label is the latest
    one added."""
    rows = [
        dict(zip(KEY, entry, strict=True), steps=n, label=labels.get(entry[3], entry[3]))
        for entry, n in sorted(changes.items())
        if n
    ]
    if rows:
        # One statement whatever the number of rows, so SQLAlchemy compiles it once.
        session.connection().execute(_upsert(session.get_bind().dialect.name), rows)


@cache
def _upsert(dialect: str) -> Any:
    """The statement adding one row's `steps` to its count (on the table: no ORM work)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = StepDurationCount.__table__  # type: ignore[attr-defined]
    statement = insert(table)
    added = statement.excluded.steps > 0
    return statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={
            "steps": table.c.steps + statement.excluded.steps,
            "label": case((added, statement.excluded.label), else_=table.c.label),
        },
    )


def count_durations(session: Session, procedure: Procedure, steps: Iterable[Step]) -> None:
    """Bring the counts in line with the procedure's steps as they now stand (idempotent)."""
    facts = [
        # An imported step's time is not the partners': it is left out of the durations.
        StepFacts(
            s.key,
            s.label,
            s.org_id,
            s.status,
            s.opened_on,
            None if s.completed_by == IMPORT_SUB else s.completed_on,
        )
        for s in steps
    ]
    viewers, durations = ledger_of(procedure.bailleur_id, facts)
    ledger = session.get(DurationLedger, procedure.id, with_for_update=True)
    if ledger is None:
        if not durations:
            return  # nothing counted yet, nothing to count
        ledger = DurationLedger(procedure_id=procedure.id, kind=procedure.kind)
    elif (ledger.viewers, ledger.durations) == (viewers, durations):
        return
    changes = entries(procedure.kind, viewers, durations)
    changes.subtract(entries(ledger.kind, ledger.viewers, ledger.durations))
    ledger.viewers, ledger.durations = viewers, durations
    session.add(ledger)
    session.flush()  # the counts last: their rows, shared, stay locked only until the commit
    add_counts(session, changes, {s.key: s.label for s in facts})


def step_durations(session: Session, scope: Scope) -> list[StepDuration]:
    """Median days per (kind, step key) over the completed steps of the procedures the scope
    sees, computed in SQL from the counts (one row per key comes back, whatever the number of
    steps and of distinct durations)."""
    role = role_of(scope.org_kind)
    if role is None:
        return []
    counts = StepDurationCount.__table__  # type: ignore[attr-defined]
    per_key = (counts.c.kind, counts.c.key)
    ranked = (
        sql_select(
            *per_key,
            counts.c.days,
            counts.c.label,
            func.sum(counts.c.steps)
            .over(partition_by=per_key, order_by=counts.c.days)
            .label("upto"),
            func.sum(counts.c.steps).over(partition_by=per_key).label("total"),
        )
        .where(counts.c.org_id == scope.org_id, counts.c.role == role, counts.c.steps > 0)
        .subquery()
    )
    # The values of ranks (total - 1) // 2 and total // 2 (from 0) in days order: the first
    # days whose running count passes each rank; their mean when the total is even, as
    # statistics.median gives it.
    low = func.min(ranked.c.days).filter(ranked.c.upto > (ranked.c.total - 1) // 2)
    high = func.min(ranked.c.days).filter(ranked.c.upto > ranked.c.total // 2)
    statement = (
        sql_select(ranked.c.kind, ranked.c.key, func.max(ranked.c.label), ranked.c.total, low, high)
        .group_by(ranked.c.kind, ranked.c.key, ranked.c.total)
        .order_by(ranked.c.kind, ranked.c.key)
    )
    return [
        StepDuration(kind, key, label, low if total % 2 else (low + high) / 2, int(total))
        for kind, key, label, total, low, high in session.execute(statement)
    ]
