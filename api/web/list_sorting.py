"""The sortable headers of the list pages: each a link to the list sorted by its column (the
other filters kept), and the `aria-sort` of the one the list is sorted by."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from store.list_order import ASCENDING, DESCENDING, ListOrder, SortColumn, list_order

# The columns each page sorts by, named as its headers name them (the sort fields of its form).
SORT_CHOICES = {
    "procedures": [
        (SortColumn.DUE.value, "Prochaine échéance"),
        (SortColumn.OPENED.value, "Ouverte le"),
        (SortColumn.COMMUNE.value, "Commune"),
        (SortColumn.PROCEDURE.value, "Numéro de procédure"),
    ],
    "corbeille": [
        (SortColumn.DUE.value, "Échéance"),
        (SortColumn.OPENED.value, "Ouverte depuis"),
        (SortColumn.COMMUNE.value, "Commune"),
        (SortColumn.PROCEDURE.value, "Numéro de procédure"),
    ],
}
DIRECTIONS = [(ASCENDING, "Croissant"), (DESCENDING, "Décroissant")]


@dataclass(frozen=True)
class SortHeader:
    """A column header: where its link leads and how the list is sorted by it."""

    href: str
    aria_sort: str  # "ascending", "descending" or "" if the list is not sorted by it


def asked_order(tri: str, ordre: str) -> tuple[ListOrder | None, dict[str, str]]:
    """The order asked for, and its parameters to keep in the links (none if unknown)."""
    order = list_order(tri[:20], ordre[:10])
    if order is None:
        return None, {}
    return order, {"tri": order.column.value, "ordre": order.direction}


def sort_headers(path: str, kept: dict[str, str], order: ListOrder | None) -> dict[str, SortHeader]:
    """The header of each sortable column, by the column's name in the address."""
    filters = {name: value for name, value in kept.items() if name not in ("tri", "ordre")}
    headers = {}
    for column in SortColumn:
        sorted_by = order is not None and order.column == column
        descending = sorted_by and order is not None and order.descending
        # A click on the sorted column reverses it; on another, sorts it ascending.
        direction = ASCENDING if descending or not sorted_by else DESCENDING
        query = urlencode({**filters, "tri": column.value, "ordre": direction})
        aria = ("descending" if descending else "ascending") if sorted_by else ""
        headers[column.value] = SortHeader(href=f"{path}?{query}", aria_sort=aria)
    return headers
