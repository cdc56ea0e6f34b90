"""The bounds of the paging and date parameters of every route: a value outside them is a 422
naming the parameter and the range, never a server error (SQLite cannot bind an integer over
2**63, and the calendar and the charts know no year 0 nor 9999)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator

from quietude.procedures import today_in_paris

MAX_PAGE = 10_000
FIRST_DAY = date(2000, 1, 1)
YEARS_AHEAD = 20  # a judgment's délais, a prescription: dates well after today are lawful


def last_day() -> date:
    """The latest date a parameter may take: 31 December, `YEARS_AHEAD` years from now."""
    return date(today_in_paris().year + YEARS_AHEAD, 12, 31)


def day_range() -> str:
    """The allowed dates, in French."""
    return f"entre le {FIRST_DAY:%d/%m/%Y} et le {last_day():%d/%m/%Y}"


def within_days(value: date) -> date:
    """`value` if it lies between `FIRST_DAY` and `last_day()`; ValueError in French otherwise."""
    if not FIRST_DAY <= value <= last_day():
        raise ValueError(f"date {day_range()} attendue")
    return value


def within_instants(value: datetime) -> datetime:
    """`value` if its day lies between `FIRST_DAY` and `last_day()`; ValueError otherwise."""
    within_days(value.date())
    return value


PAGE_TEXT = f"numéro de page, de 1 à {MAX_PAGE}"
# The page of a list: 1 to MAX_PAGE.
Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description=PAGE_TEXT)]
# A date of a query string, between FIRST_DAY and last_day().
Day = Annotated[date, AfterValidator(within_days)]
# An instant of a query string, its day between FIRST_DAY and last_day().
Instant = Annotated[datetime, AfterValidator(within_instants)]
