"""Local diagnostics (law.md §6): what happens where and when, and how fast each partner acts.

Everything is aggregated in SQL over the procedures a viewer may count, in five queries: the
period's facts by kind, category, hour and weekday; the previous period's totals; the grounds of
the résiliations (JSON lists, split in Python); the halls, graded, the most troubled first; the
decisions and response times (store.diagnostic_steps).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, true
from sqlmodel import Session, col, select

from domain.actors import OrgKind, Role
from store.diagnostic_figures import (
    Diagnostics,
    DiagnosticSettings,
    Figure,
    HallLevel,
    Trend,
    percentile,
)
from store.diagnostic_filters import DiagnosticFilters
from store.diagnostic_sql import (
    GROUNDED,
    INCIDENT_KINDS,
    KINDS,
    dated,
    grounded_period,
    grounds,
    hall_level,
    incident_period,
    incident_trafic,
    steps_of,
    territory_clause,
)
from store.diagnostic_steps import step_figures
from store.tables import Procedure
from store.visibility import Scope, scope_clause

__all__ = [
    "SHARED",
    "DiagnosticFilters",
    "DiagnosticSettings",
    "Diagnostics",
    "Viewer",
    "compute",
    "default_period",
    "percentile",
    "viewer_of",
]


@dataclass(frozen=True)
class Viewer:
    """Which procedures a caller's figures are computed over, and whether they are exact."""

    clause: ColumnElement[bool]
    exact: bool  # the owning bailleur sees its own exact figures; others get suppression
    everyone: bool = False  # `clause` keeps every procedure: the steps are counted alone


def viewer_of(scope: Scope) -> Viewer:
    """The viewer of a scope: a bailleur its own procedures exactly, the convention's admin
    (préfecture) everything aggregated, a partner the procedures it acts in, aggregated."""
    if scope.org_kind == OrgKind.BAILLEUR:
        return Viewer(scope_clause(scope), exact=True)
    if scope.org_kind == OrgKind.PREFECTURE and scope.role == Role.ADMIN:
        return SHARED
    return Viewer(scope_clause(scope), exact=False)


# What is shared in a report for the partners of a meeting: everything, suppressed.
SHARED = Viewer(true(), exact=False, everyone=True)


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months up to `today`."""
    return today.replace(year=today.year - 1) + timedelta(days=1), today


def compute(
    session: Session,
    viewer: Viewer,
    filters: DiagnosticFilters,
    settings: DiagnosticSettings | None = None,
    hall_limit: int | None = None,
) -> Diagnostics:
    """The indicators of a territory and a period as `viewer` may see them; `hall_limit`
    keeps only that many halls, the most troubled (None: all)."""
    settings = settings or DiagnosticSettings()
    base = [viewer.clause, *territory_clause(filters)]
    shown = _Shower(viewer.exact, settings.suppression_threshold)
    length = (filters.end - filters.start).days + 1
    previous_end = filters.start - timedelta(days=1)
    previous_start = previous_end - timedelta(days=length - 1)
    counts = _counts(session, base, filters, (previous_start, previous_end))
    grounded = {kind: _grounds(session, kind, base, filters) for kind in GROUNDED}
    halls, halls_total = _halls(session, base, filters, settings, shown, hall_limit)
    outcomes, response_times = step_figures(
        session, steps_of(filters, None if viewer.everyone else viewer.clause), shown
    )
    return Diagnostics(
        start=filters.start,
        end=filters.end,
        previous_start=previous_start,
        previous_end=previous_end,
        exact=viewer.exact,
        suppression_threshold=settings.suppression_threshold,
        totals={kind: shown(counts.current[kind]) for kind in KINDS},
        by_category={
            kind: {c: shown(n) for c, n in sorted(categories.items())}
            for kind, categories in (counts.categories | grounded).items()
        },
        by_hour=[shown(counts.hours[hour]) for hour in range(24)],
        by_weekday=[shown(counts.weekdays[day]) for day in range(7)],
        outcomes=outcomes,
        response_times=response_times,
        halls=halls,
        halls_total=halls_total,
        trend=[
            Trend.between(kind, counts.current[kind], counts.previous[kind], shown)
            for kind in KINDS
        ],
    )


class _Shower:
    """Turns a count into a Figure, suppressing small ones for anyone but the owner."""

    def __init__(self, exact: bool, threshold: int) -> None:
        self.exact = exact
        self.threshold = threshold

    def hides(self, count: int) -> bool:
        return not self.exact and 0 < count < self.threshold

    def __call__(self, count: int) -> Figure:
        return Figure(None, True) if self.hides(count) else Figure(count, False)


@dataclass
class _Counts:
    """Procedures by kind in the period and the previous one; facts by category and moment."""

    current: Counter[str] = field(default_factory=Counter)
    previous: Counter[str] = field(default_factory=Counter)
    categories: dict[str, Counter[str]] = field(
        default_factory=lambda: {kind: Counter() for kind in INCIDENT_KINDS}
    )
    hours: Counter[int] = field(default_factory=Counter)
    weekdays: Counter[int] = field(default_factory=Counter)


def _counts(
    session: Session, base: list[Any], filters: DiagnosticFilters, previous: tuple[date, date]
) -> _Counts:
    """Totals by kind in the period and the previous one, and the facts of the period by
    category, Paris hour and weekday (two passes that each read the diagnostics' index)."""
    keys = (
        col(Procedure.kind),
        col(Procedure.categorie),
        col(Procedure.facts_hour),
        col(Procedure.facts_weekday),
    )
    rows = session.exec(
        select(*keys, func.count())  # type: ignore[call-overload]
        .where(*base, *dated(KINDS, filters.start, filters.end))
        .group_by(*keys)
    ).all()
    counts = _Counts()
    for kind, category, hour, weekday, count in rows:
        counts.current[kind] += count
        if kind in INCIDENT_KINDS:
            counts.categories[kind][category or "autre"] += count
            if hour is not None and weekday is not None:
                counts.hours[hour] += count
                counts.weekdays[weekday] += count
    counts.previous.update(
        dict(
            session.exec(
                select(col(Procedure.kind), func.count())  # type: ignore[call-overload]
                .where(*base, *dated(KINDS, *previous))
                .group_by(col(Procedure.kind))
            ).all()
        )
    )
    return counts


def _grounds(
    session: Session, kind: str, base: list[Any], filters: DiagnosticFilters
) -> Counter[str]:
    """Procedures of `kind` by ground (a dossier with two grounds counts in both)."""
    motifs = grounds(kind)
    rows = session.exec(
        select(motifs, func.count())  # type: ignore[call-overload]
        .where(*base, *grounded_period(kind, filters.start, filters.end))
        .group_by(motifs)
    ).all()
    counts: Counter[str] = Counter()
    for text, count in rows:
        for motif in json.loads(text) if text else ["autre"]:
            counts[motif] += count
    return counts


def _halls(
    session: Session,
    base: list[Any],
    filters: DiagnosticFilters,
    settings: DiagnosticSettings,
    shown: _Shower,
    limit: int | None,
) -> tuple[list[HallLevel], int]:
    """The halls with facts in the period, graded, the most troubled first (at most `limit`),
    and how many halls have facts in all."""
    residence, commune = col(Procedure.residence_nom), col(Procedure.commune_insee)
    batiment = func.coalesce(col(Procedure.batiment), "")
    hall = func.coalesce(col(Procedure.hall), "")
    count = func.count()
    level = hall_level(count, func.max(incident_trafic()), settings)
    rows = session.exec(
        select(  # type: ignore[call-overload]
            residence, commune, batiment, hall, count, level, func.count().over()
        )
        .where(*base, *incident_period(filters.start, filters.end))
        .group_by(residence, commune, batiment, hall)
        .order_by(level.desc(), count.desc(), residence, commune, batiment, hall)
        .limit(limit)
    ).all()
    halls = [
        HallLevel(
            residence=residence_name,
            commune_insee=commune_insee,
            batiment=batiment_name,
            hall=hall_name,
            count=shown(facts),
            level=None if shown.hides(facts) else int(graded),
        )
        for residence_name, commune_insee, batiment_name, hall_name, facts, graded, _ in rows
    ]
    return halls, int(rows[0][-1]) if rows else 0
