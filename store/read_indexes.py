"""Indexes of the read path at scale (revision 0008). The partial ones hold the pending steps
only, a few in a hundred; their condition is written as is in the queries (store.inbox), so
that the planner may use them."""

from typing import Any

from sqlalchemy import text

INBOX_INDEX = ("ix_step_inbox", "org_id", "due", "opened_on", "opened_at", "id")
INBOX_INCLUDE = ["key", "overdue", "procedure_kind", "procedure_status", "procedure_id"]
PENDING_INCLUDE = ["actor", "org_id", "overdue"]
OVERDUE_INDEX = ("ix_step_overdue", "due", "opened_on", "opened_at", "id")
BAILLEUR_LIST_INDEX = ("ix_procedure_bailleur_list", "bailleur_id", "status", "next_due", "id")
# The steps an organisation holds in open procedures (their copy of the procedure's status):
# which open procedures a partner sees, for its dashboard.
OPEN_ORG_INDEX = ("ix_step_open_org", "org_id", "procedure_id")
OPEN_PROCEDURE = "procedure_status = 'open'"
# A bailleur's pending steps in its open procedures (their copy of the procedure's bailleur and
# status), by actor and organisation: its dashboard's counts from the index alone.
BAILLEUR_PENDING_INDEX = (
    "ix_step_bailleur_pending",
    "bailleur_id",
    "actor",
    "org_id",
    "overdue",
    "commune_insee",
)
DURATION_INDEX = ("ix_step_duration_count_read", "org_id", "role", "kind", "key", "days")
PENDING = "status = 'pending'"


def pending_only(more: str = "") -> dict[str, Any]:
    """The options of an index restricted to pending steps (and `more`), on both databases."""
    return _where(f"{PENDING} {more}".strip())


def pending_in_open() -> dict[str, Any]:
    """The options of an index restricted to the pending steps of open procedures."""
    return _where(f"{PENDING} AND {OPEN_PROCEDURE}")


def open_only() -> dict[str, Any]:
    """The options of an index restricted to the steps of open procedures."""
    return _where(OPEN_PROCEDURE)


def _where(condition: str) -> dict[str, Any]:
    return {"postgresql_where": text(condition), "sqlite_where": text(condition)}
