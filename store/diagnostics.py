"""Local diagnostics (law.md §6): what happens where and when, and how fast each partner acts.

Everything is aggregated in SQL over the procedures a viewer may count; only the grounds of
résiliation (JSON lists) and, on SQLite, the hours (no time zones) are finished in Python.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, true
from sqlmodel import Session, col, select

from domain.actors import OrgKind, Role
from store.diagnostic_columns import PLAINTE, RESILIATION, SIGNALEMENT
from store.diagnostic_figures import (
    Diagnostics,
    DiagnosticSettings,
    Figure,
    HallLevel,
    OutcomeCount,
    ResponseTime,
    Trend,
    level_of,
    percentile,
)
from store.diagnostic_filters import DiagnosticFilters
from store.diagnostic_sql import (
    INCIDENT_KINDS,
    days_taken,
    incident_period,
    incident_trafic,
    late_clause,
    local_hour_weekday,
    moment_buckets,
    procedure_period,
    resiliation_motifs,
    resiliation_period,
    territory_clause,
)
from store.tables import Procedure, Step
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

DONE = "done"
# Steps whose outcome is a decision the partners follow: parquet, courts, enforcement.
OUTCOME_STEPS = ("decision_parquet", "jugement_penal", "jugement", "expulsion")


@dataclass(frozen=True)
class Viewer:
    """Which procedures a caller's figures are computed over, and whether they are exact."""

    clause: ColumnElement[bool]
    exact: bool  # the owning bailleur sees its own exact figures; others get suppression


def viewer_of(scope: Scope) -> Viewer:
    """The viewer of a scope: a bailleur its own procedures exactly, the convention's admin
    (préfecture) everything aggregated, a partner the procedures it acts in, aggregated."""
    if scope.org_kind == OrgKind.BAILLEUR:
        return Viewer(scope_clause(scope), exact=True)
    if scope.org_kind == OrgKind.PREFECTURE and scope.role == Role.ADMIN:
        return Viewer(true(), exact=False)
    return Viewer(scope_clause(scope), exact=False)


# What is shared in a report for the partners of a meeting: everything, suppressed.
SHARED = Viewer(true(), exact=False)


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months up to `today`."""
    return today.replace(year=today.year - 1) + timedelta(days=1), today


def compute(
    session: Session,
    viewer: Viewer,
    filters: DiagnosticFilters,
    settings: DiagnosticSettings | None = None,
) -> Diagnostics:
    """The indicators of a territory and a period as `viewer` may see them."""
    settings = settings or DiagnosticSettings()
    base = [viewer.clause, *territory_clause(filters)]
    shown = _Shower(viewer.exact, settings.suppression_threshold)
    categories, halls = _incidents(session, base, filters, settings)
    motifs = _motifs(session, base, filters)
    hours, weekdays = _hours(session, base, filters)
    length = (filters.end - filters.start).days + 1
    previous_end = filters.start - timedelta(days=1)
    previous_start = previous_end - timedelta(days=length - 1)
    current = _totals(session, base, filters.start, filters.end)
    previous = _totals(session, base, previous_start, previous_end)
    return Diagnostics(
        start=filters.start,
        end=filters.end,
        previous_start=previous_start,
        previous_end=previous_end,
        exact=viewer.exact,
        suppression_threshold=settings.suppression_threshold,
        totals={kind: shown(current.get(kind, 0)) for kind in (SIGNALEMENT, PLAINTE, RESILIATION)},
        by_category={
            SIGNALEMENT: {c: shown(n) for c, n in sorted(categories[SIGNALEMENT].items())},
            PLAINTE: {c: shown(n) for c, n in sorted(categories[PLAINTE].items())},
            RESILIATION: {m: shown(n) for m, n in sorted(motifs.items())},
        },
        by_hour=[shown(hours.get(hour, 0)) for hour in range(24)],
        by_weekday=[shown(weekdays.get(day, 0)) for day in range(7)],
        outcomes=_outcomes(session, base, filters, shown),
        response_times=_response_times(session, base, filters, shown),
        halls=_halls(halls, settings, shown),
        trend=[
            Trend.between(kind, current.get(kind, 0), previous.get(kind, 0), shown)
            for kind in (SIGNALEMENT, PLAINTE, RESILIATION)
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


HallKey = tuple[str, str, str, str]  # residence, commune, batiment, hall


def _incidents(
    session: Session, base: list[Any], filters: DiagnosticFilters, settings: DiagnosticSettings
) -> tuple[dict[str, Counter[str]], dict[HallKey, tuple[int, bool]]]:
    """Counts by kind and category, and per hall (count, trafficking seen)."""
    category, trafic = col(Procedure.categorie), incident_trafic()
    batiment, hall = col(Procedure.batiment), col(Procedure.hall)
    rows = session.exec(
        select(  # type: ignore[call-overload]
            col(Procedure.kind),
            category,
            func.max(trafic),
            col(Procedure.residence_nom),
            col(Procedure.commune_insee),
            batiment,
            hall,
            func.count(),
        )
        .where(*base, *incident_period(filters.start, filters.end))
        .group_by(
            col(Procedure.kind),
            category,
            col(Procedure.residence_nom),
            col(Procedure.commune_insee),
            batiment,
            hall,
        )
    ).all()
    categories: dict[str, Counter[str]] = {kind: Counter() for kind in INCIDENT_KINDS}
    halls: dict[HallKey, tuple[int, bool]] = {}
    for kind, cat, traffic, residence, commune, bat, hall_name, count in rows:
        categories[kind][cat or "autre"] += count
        key = (residence or "", commune, bat or "", hall_name or "")
        seen, trafficking = halls.get(key, (0, False))
        halls[key] = (seen + count, trafficking or bool(traffic))
    return categories, halls


def _motifs(session: Session, base: list[Any], filters: DiagnosticFilters) -> Counter[str]:
    """Résiliations by ground (a dossier with two grounds counts in both)."""
    motifs = resiliation_motifs()
    rows = session.exec(
        select(motifs, func.count())  # type: ignore[call-overload]
        .where(*base, *resiliation_period(filters.start, filters.end))
        .group_by(motifs)
    ).all()
    counts: Counter[str] = Counter()
    for text, count in rows:
        for motif in json.loads(text) if text else ["autre"]:
            counts[motif] += count
    return counts


def _hours(
    session: Session, base: list[Any], filters: DiagnosticFilters
) -> tuple[Counter[int], Counter[int]]:
    """Facts by hour of day and day of week (0 = Monday), in Europe/Paris time."""
    buckets = moment_buckets(session.get_bind().dialect.name)
    rows = session.exec(
        select(*buckets, func.count())  # type: ignore[call-overload]
        .where(*base, *incident_period(filters.start, filters.end))
        .group_by(*buckets)
    ).all()
    by_hour: Counter[int] = Counter()
    by_weekday: Counter[int] = Counter()
    for *bucket, count in rows:
        hour, weekday = local_hour_weekday(tuple(bucket))
        by_hour[hour] += count
        by_weekday[weekday] += count
    return by_hour, by_weekday


def _totals(session: Session, base: list[Any], start: date, end: date) -> dict[str, int]:
    """How many procedures of each kind are dated in a period."""
    rows = session.exec(
        select(col(Procedure.kind), func.count())  # type: ignore[call-overload]
        .where(*base, procedure_period(start, end))
        .group_by(col(Procedure.kind))
    ).all()
    return {kind: count for kind, count in rows}


def _steps_of(base: list[Any], filters: DiagnosticFilters) -> list[Any]:
    return [
        col(Step.procedure_id) == col(Procedure.id),
        *base,
        procedure_period(filters.start, filters.end),
    ]


def _outcomes(
    session: Session, base: list[Any], filters: DiagnosticFilters, shown: _Shower
) -> list[OutcomeCount]:
    """Decisions of the parquet, judgments and expulsions of the procedures of the period."""
    rows = session.exec(
        select(  # type: ignore[call-overload]
            col(Procedure.kind), col(Step.key), col(Step.outcome), func.count()
        )
        .where(
            *_steps_of(base, filters),
            col(Step.status) == DONE,
            col(Step.key).in_(OUTCOME_STEPS),
        )
        .group_by(col(Procedure.kind), col(Step.key), col(Step.outcome))
        .order_by(col(Procedure.kind), col(Step.key), col(Step.outcome))
    ).all()
    return [OutcomeCount(kind, key, outcome or "", shown(n)) for kind, key, outcome, n in rows]


def _response_times(
    session: Session, base: list[Any], filters: DiagnosticFilters, shown: _Shower
) -> list[ResponseTime]:
    """Median and 90th percentile of the days each actor takes per step, share overdue."""
    dialect = session.get_bind().dialect.name
    days = days_taken(dialect)
    done = and_(col(Step.status) == DONE, col(Step.completed_on).is_not(None))
    histogram = session.exec(
        select(col(Step.actor), col(Step.key), days, func.count())  # type: ignore[call-overload]
        .where(*_steps_of(base, filters), done)
        .group_by(col(Step.actor), col(Step.key), days)
    ).all()
    late = func.sum(case((late_clause(), 1), else_=0))
    totals = session.exec(
        select(  # type: ignore[call-overload]
            col(Step.actor), col(Step.key), func.min(col(Step.label)), func.count(), late
        )
        .where(*_steps_of(base, filters), col(Step.due).is_not(None) | done)
        .group_by(col(Step.actor), col(Step.key))
        .order_by(col(Step.actor), col(Step.key))
    ).all()
    durations: dict[tuple[str, str], list[int]] = {}
    for actor, key, taken, count in histogram:
        durations.setdefault((actor, key), []).extend([max(int(taken), 0)] * count)
    result = []
    for actor, key, label, count, overdue in totals:
        values = sorted(durations.get((actor, key), []))
        result.append(ResponseTime.of(actor, key, label, values, count, int(overdue or 0), shown))
    return result


def _halls(
    halls: dict[HallKey, tuple[int, bool]], settings: DiagnosticSettings, shown: _Shower
) -> list[HallLevel]:
    """Each hall with facts in the period, graded, the most troubled first."""
    rows = []
    for (residence, commune, batiment, hall), (count, trafficking) in halls.items():
        hidden = shown.hides(count)
        level = level_of(count, trafficking, settings)
        rows.append(
            HallLevel(
                residence=residence,
                commune_insee=commune,
                batiment=batiment,
                hall=hall,
                count=shown(count),
                level=None if hidden else level,
                sort_key=(-level, -count, residence, batiment, hall),
            )
        )
    return sorted(rows, key=lambda row: row.sort_key)
