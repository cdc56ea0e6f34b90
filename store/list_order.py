"""The order of the lists a user may ask for (`tri`, `ordre`): a whitelist of columns, each
turned into an ORDER BY with the row's id last, so that equal values keep one order; communes by
their collation key (Commune.sort_key), not their name, so that accents sort as people expect."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import col

from store.tables import Commune, Procedure, Step


class SortColumn(StrEnum):
    """The columns a list sorts by, as written in the address (`tri=`)."""

    DUE = "echeance"
    OPENED = "ouverte"
    COMMUNE = "commune"
    PROCEDURE = "procedure"


ASCENDING = "asc"
DESCENDING = "desc"


@dataclass(frozen=True)
class ListOrder:
    """A column and its direction."""

    column: SortColumn
    descending: bool = False

    @property
    def direction(self) -> str:
        """The direction as written in the address (`ordre=`)."""
        return DESCENDING if self.descending else ASCENDING


def list_order(tri: str, ordre: str) -> ListOrder | None:
    """The order asked for; None (the list's own order) for a column or direction unknown."""
    if tri not in {column.value for column in SortColumn} or ordre not in (
        "",
        ASCENDING,
        DESCENDING,
    ):
        return None
    return ListOrder(SortColumn(tri), descending=ordre == DESCENDING)


_PROCEDURE_COLUMNS: dict[SortColumn, Any] = {
    SortColumn.DUE: col(Procedure.next_due),
    SortColumn.OPENED: col(Procedure.created_at),
    SortColumn.COMMUNE: col(Commune.sort_key),
    SortColumn.PROCEDURE: col(Procedure.id),
}
_STEP_COLUMNS: dict[SortColumn, Any] = {
    SortColumn.DUE: col(Step.due),
    SortColumn.OPENED: col(Step.opened_on),
    SortColumn.COMMUNE: col(Commune.sort_key),
    SortColumn.PROCEDURE: col(Step.procedure_id),
}


def _ordered(column: Any, order: ListOrder) -> Any:
    # Rows without a value (no due date) last in both directions.
    return (column.desc() if order.descending else column.asc()).nulls_last()


def procedure_order(order: ListOrder) -> tuple[Any, ...]:
    """ORDER BY of the procedure list (Commune joined on the procedure's commune)."""
    return _ordered(_PROCEDURE_COLUMNS[order.column], order), col(Procedure.id)


def step_order(order: ListOrder) -> tuple[Any, ...]:
    """ORDER BY of an inbox (Commune joined on the procedure's commune); "ouverte" counts the
    days a step has been open, so its ascending order is the newest step first."""
    if order.column == SortColumn.OPENED:
        order = ListOrder(order.column, descending=not order.descending)
    return _ordered(_STEP_COLUMNS[order.column], order), col(Step.id)
