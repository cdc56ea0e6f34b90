"""The pending steps behind each number of the dashboard, filtered as the number was counted,
a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from api.schemas import TaskPublic
from api.web.dashboard_figures import AGE_BANDS
from store.queries import TaskRow

PER_PAGE = 25
STEP_FILTERS = ("etat", "acteur", "organisation", "anciennete")
COMPLETED = "accomplie"  # « etat » of the completed steps whose durations the dashboard counts


@dataclass(frozen=True)
class StepSelection:
    """Which of the dashboard's pending steps a number counts: late ones only, of an actor, of
    an organisation, in a band of lateness (its index in AGE_BANDS)."""

    late: bool = False
    actor: str = ""
    organisation: str = ""
    band: int | None = None

    @classmethod
    def of(cls, query: dict[str, str]) -> StepSelection:
        """The selection named by the query string (unknown values are ignored)."""
        band = query.get("anciennete", "")
        return cls(
            late=query.get("etat") == "retard",
            actor=query.get("acteur", "")[:50],
            organisation=query.get("organisation", "")[:100],
            band=int(band) if band in {str(n) for n in range(len(AGE_BANDS))} else None,
        )

    def keeps(self, row: TaskRow, today: date) -> bool:
        """Whether `row` is counted by this selection."""
        step = row.step
        if (self.late or self.band is not None) and not step.overdue:
            return False
        if self.actor and step.actor != self.actor:
            return False
        if self.organisation and step.org_id != self.organisation:
            return False
        if self.band is not None:
            low, high, _ = AGE_BANDS[self.band]
            days = (today - step.due).days if step.due else 0
            return days >= low and (high is None or days <= high)
        return True


def steps_link(period: dict[str, str], **selection: str) -> str:
    """The list of the steps a number counts, with the dashboard's own filters."""
    kept = {k: v for k, v in period.items() if v} | {k: v for k, v in selection.items() if v}
    return "/tableau-de-bord/etapes?" + urlencode(kept)


def page_of(rows: list[TaskRow], today: date, number: int, link: Any) -> dict[str, Any]:
    """One page of `rows`, with the links to the pages around it."""
    pages = max(1, -(-len(rows) // PER_PAGE))
    number = min(max(1, number), pages)
    shown = rows[(number - 1) * PER_PAGE : number * PER_PAGE]
    return {
        "tasks": [TaskPublic.of(row, today) for row in shown],
        "total": len(rows),
        "page": number,
        "pages": pages,
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if number < pages else None,
    }
