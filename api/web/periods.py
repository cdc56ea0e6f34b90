"""The period filters of the pages (« du », « au »), checked with a message in French."""

from __future__ import annotations

from datetime import date

from api.query_bounds import FIRST_DAY, day_range, last_day
from api.web.labels import date_fr


class PeriodError(ValueError):
    """A period the user typed cannot be read (message in French); `field` names the input it
    is told beside (« du » or « au »)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def day_of(text: str, name: str) -> date | None:
    """The day typed in the field `name` (YYYY-MM-DD, as a date input sends it); None if empty."""
    if not text:
        return None
    try:
        day: date | None = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= last_day():
        raise PeriodError(
            f"La date « {text[:20]} » du champ « {name} » n'est pas une date valide (une date "
            f"{day_range()} est attendue).",
            name,
        )
    return day


def checked_period(du: str, au: str) -> tuple[date | None, date | None]:
    """The first and last days typed, the first not after the last."""
    start, end = day_of(du, "du"), day_of(au, "au")
    if start and end and start > end:
        raise PeriodError(
            f"Période invalide : le début ({date_fr(start)}) est après la fin ({date_fr(end)}).",
            "du",
        )
    return start, end
