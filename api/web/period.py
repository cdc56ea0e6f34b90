"""The period filter of a page (`du`, `au`): dates within the bounds of every date parameter,
the start not after the end; what is wrong, in French, beside the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from api.query_bounds import day_range, within_days

START_LABEL = "Étapes ouvertes à partir du"
END_LABEL = "Jusqu'au"


@dataclass(frozen=True)
class Period:
    """The valid dates of the filter (None when empty or wrong) and the errors by field."""

    start: date | None = None
    end: date | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _day(text: str) -> date | None:
    try:
        return within_days(date.fromisoformat(text))
    except ValueError:
        return None


def period_of(du: str, au: str) -> Period:
    """The period typed in `du` and `au`, checked."""
    errors: dict[str, str] = {}
    start, end = _day(du), _day(au)
    for name, text, day in (("du", du, start), ("au", au, end)):
        if text and day is None:
            errors[name] = f"Date invalide : une date {day_range()} est attendue."
    if start and end and start > end:
        errors["au"] = f"« {END_LABEL} » doit être le même jour que « {START_LABEL} » ou après."
        start = end = None
    return Period(start, end, errors)
