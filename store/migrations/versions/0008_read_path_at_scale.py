"""Read path at scale: step duration counts (the dashboard's medians without reading the steps),
filled from the existing steps; indexes over pending steps only (the inbox, with the columns
its counts read; the pending steps of a procedure; the overdue ones by due date), the steps
an organisation holds in open procedures, and a bailleur's list in its order.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections import Counter
from collections.abc import Sequence
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from alembic import op

from store.durations import KEY, StepFacts, entries, ledger_of
from store.read_indexes import (
    BAILLEUR_LIST_INDEX,
    DURATION_INDEX,
    INBOX_INDEX,
    OPEN_ORG_INDEX,
    OVERDUE_INDEX,
    PENDING_INCLUDE,
    open_only,
    pending_only,
)

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
OLD_INBOX = ["org_id", "status", "due", "opened_on", "opened_at", "id"]
# The inbox index as this revision made it (0014 adds the procedure id).
INBOX_INCLUDE = ["key", "overdue", "procedure_kind", "procedure_status"]

procedure = sa.table(
    "procedure",
    sa.column("id", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("bailleur_id", sa.String()),
)
step = sa.table(
    "step",
    *(sa.column(name, sa.String()) for name in ("procedure_id", "key", "label", "org_id")),
    sa.column("status", sa.String()),
    sa.column("opened_on", sa.Date()),
    sa.column("completed_on", sa.Date()),
)


def upgrade() -> None:
    """Apply this revision."""
    counts = op.create_table(
        "step_duration_count",
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY),
    )
    ledgers = op.create_table(
        "duration_ledger",
        sa.Column("procedure_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("viewers", sa.JSON(), nullable=False),
        sa.Column("durations", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("procedure_id"),
    )
    _backfill(op.get_bind(), counts, ledgers)
    name, *columns = DURATION_INDEX
    op.create_index(name, "step_duration_count", columns, postgresql_include=["steps", "label"])
    op.drop_index("ix_step_inbox", table_name="step")
    name, *columns = INBOX_INDEX
    op.create_index(name, "step", columns, postgresql_include=INBOX_INCLUDE, **pending_only())
    op.create_index(
        "ix_step_pending",
        "step",
        ["procedure_id"],
        postgresql_include=PENDING_INCLUDE,
        **pending_only(),
    )
    name, *columns = OVERDUE_INDEX
    op.create_index(name, "step", columns, **pending_only("AND overdue"))
    name, *columns = OPEN_ORG_INDEX
    op.create_index(name, "step", columns, **open_only())
    name, *columns = BAILLEUR_LIST_INDEX
    op.create_index(name, "procedure", columns, postgresql_include=["kind", "overdue"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(BAILLEUR_LIST_INDEX[0], table_name="procedure")
    for name in (OPEN_ORG_INDEX[0], OVERDUE_INDEX[0], "ix_step_pending", INBOX_INDEX[0]):
        op.drop_index(name, table_name="step")
    op.create_index("ix_step_inbox", "step", OLD_INBOX)
    op.drop_table("duration_ledger")
    op.drop_table("step_duration_count")


def _backfill(connection: sa.Connection, counts: sa.Table, ledgers: sa.Table) -> None:
    """Count the completed steps of the existing procedures as the projection would have,
    by batches of procedures."""
    total: Counter[tuple[Any, ...]] = Counter()
    labels: dict[tuple[str, str], str] = {}
    last = ""
    while True:
        batch = connection.execute(
            sa.select(procedure.c.id, procedure.c.kind, procedure.c.bailleur_id)
            .where(procedure.c.id > last)
            .order_by(procedure.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            break
        rows = connection.execute(
            sa.select(step)
            .where(step.c.procedure_id.in_([row[0] for row in batch]))
            .order_by(step.c.procedure_id)
        ).all()
        steps = {pid: list(group) for pid, group in groupby(rows, key=lambda row: row[0])}
        values = []
        for procedure_id, kind, bailleur_id in batch:
            facts = [StepFacts(*row[1:]) for row in steps.get(procedure_id, [])]
            labels.update(((kind, fact.key), fact.label) for fact in facts)
            viewers, durations = ledger_of(bailleur_id, facts)
            if durations:
                total += entries(kind, viewers, durations)
                values.append(
                    {
                        "procedure_id": procedure_id,
                        "kind": kind,
                        "viewers": viewers,
                        "durations": durations,
                    }
                )
        if values:
            connection.execute(ledgers.insert(), values)
        last = batch[-1][0]
    rows_ = [
        {**dict(zip(KEY, entry, strict=True)), "steps": n, "label": labels[entry[2], entry[3]]}
        for entry, n in sorted(total.items())
    ]
    for start in range(0, len(rows_), BATCH):
        connection.execute(counts.insert(), rows_[start : start + BATCH])
