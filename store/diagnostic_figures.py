"""The figures of the local diagnostics: counts that may be suppressed, levels, percentiles."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DiagnosticSettings:
    """Thresholds of the diagnostics (PRACTICE, configurable).

    The graded level per hall (store.diagnostic_sql.hall_level) follows the USH observatory of
    incivilities (law.md §6): 1 = faits isolés, 2 = incivilités récurrentes, 3 = activité
    délinquante installée. The suppression of small counts in what is shared outside the owning
    bailleur follows the usual rule of statistical secrecy (no cell below a few units).
    """

    suppression_threshold: int = 5  # counts from 1 to threshold − 1 are hidden to others
    recurring_from: int = 3  # facts in the period for level 2
    established_from: int = 10  # facts in the period for level 3
    trafficking_is_established: bool = True  # any trafficking makes a hall level 3


LEVEL_LABELS = {
    1: "Faits isolés",
    2: "Incivilités récurrentes",
    3: "Activité délinquante installée",
}


def percentile(sorted_values: list[int], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `share` of values ≤ it."""
    if not sorted_values:
        return None
    rank = max(math.ceil(share * len(sorted_values)), 1)
    return float(sorted_values[rank - 1])


@dataclass(frozen=True)
class Figure:
    """A count, or None with `supprime` when it is too small to be shared."""

    value: int | None
    supprime: bool = False


Shown = Callable[[int], Figure]


@dataclass(frozen=True)
class OutcomeCount:
    """How many decisions of one step ended with one outcome."""

    kind: str
    step_key: str
    outcome: str
    count: Figure


@dataclass(frozen=True)
class ResponseTime:
    """Time taken by one actor on one step key, in days from opening to completion."""

    actor: str
    step_key: str
    label: str
    steps: Figure  # steps with a due date or completed
    completed: int | None
    median_days: float | None
    p90_days: float | None
    overdue_share: float | None  # overdue, or completed after the due date
    supprime: bool = False

    @classmethod
    def of(
        cls,
        actor: str,
        key: str,
        label: str,
        durations: list[int],
        count: int,
        overdue: int,
        shown: Shown,
    ) -> ResponseTime:
        """The figures of a step key, hidden together when its count is too small."""
        figure = shown(count)
        if figure.supprime:
            return cls(actor, key, label, figure, None, None, None, None, supprime=True)
        return cls(
            actor,
            key,
            label,
            figure,
            completed=len(durations),
            median_days=float(statistics.median(durations)) if durations else None,
            p90_days=percentile(durations, 0.9),
            overdue_share=round(overdue / count, 4) if count else None,
        )


@dataclass(frozen=True)
class HallLevel:
    """A hall of a residence and its level over the period."""

    residence: str
    commune_insee: str
    batiment: str
    hall: str
    count: Figure
    level: int | None

    @property
    def level_label(self) -> str | None:
        """The French wording of the level."""
        return LEVEL_LABELS.get(self.level) if self.level else None


@dataclass(frozen=True)
class Trend:
    """A kind's count this period against the previous period of the same length."""

    kind: str
    current: Figure
    previous: Figure
    evolution: float | None  # relative change (0.25 = +25 %), None if unknown or hidden

    @classmethod
    def between(cls, kind: str, current: int, previous: int, shown: Shown) -> Trend:
        """The trend, with no evolution when either count is hidden or the previous is zero."""
        now, before = shown(current), shown(previous)
        hidden = now.supprime or before.supprime or previous == 0
        evolution = None if hidden else round((current - previous) / previous, 4)
        return cls(kind, now, before, evolution)


@dataclass(frozen=True)
class Diagnostics:
    """The indicators of a territory and a period."""

    start: date
    end: date
    previous_start: date
    previous_end: date
    exact: bool
    suppression_threshold: int
    totals: dict[str, Figure]
    by_category: dict[str, dict[str, Figure]]
    by_hour: list[Figure]  # 24 entries, Europe/Paris
    by_weekday: list[Figure]  # 7 entries, Monday first
    outcomes: list[OutcomeCount]
    response_times: list[ResponseTime]
    halls: list[HallLevel]  # the most troubled first, at most the limit asked for
    halls_total: int  # halls with facts in the period, listed or not
    trend: list[Trend]
