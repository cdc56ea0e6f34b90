"""Diagnostic columns of procedures (moment, category, building, hall, drugs), filled from facts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from store.columns import UtcDateTime
from store.diagnostic_columns import COLUMNS, RESILIATION, diagnostic_columns

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
INDEXES = {
    "ix_procedure_commune_facts_at": ["commune_insee", "facts_at"],
    "ix_procedure_kind_facts_at": ["kind", "facts_at"],
}

procedure = sa.table(
    "procedure",
    sa.column("id", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("facts", sa.JSON()),
    sa.column("created_at", UtcDateTime()),
    sa.column("facts_at", UtcDateTime()),
    sa.column("categorie", sa.String()),
    sa.column("batiment", sa.String()),
    sa.column("hall", sa.String()),
    sa.column("trafic", sa.Boolean()),
)
step = sa.table("step", sa.column("procedure_id", sa.String()), sa.column("opened_on", sa.Date()))


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("procedure", sa.Column("facts_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("procedure", sa.Column("categorie", sa.String(), nullable=True))
    op.add_column("procedure", sa.Column("batiment", sa.String(), nullable=True))
    op.add_column("procedure", sa.Column("hall", sa.String(), nullable=True))
    op.add_column(
        "procedure",
        sa.Column("trafic", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    _backfill(op.get_bind())
    for name, columns in INDEXES.items():
        op.create_index(name, "procedure", columns)


def downgrade() -> None:
    """Revert this revision."""
    for name in INDEXES:
        op.drop_index(name, table_name="procedure")
    with op.batch_alter_table("procedure") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)


def _backfill(connection: sa.Connection) -> None:
    """Fill the new columns of the existing rows from their facts, by batches of ids."""
    first_acts = dict(
        connection.execute(
            sa.select(step.c.procedure_id, sa.func.min(step.c.opened_on))
            .where(step.c.procedure_id.in_(_resiliation_ids()))
            .group_by(step.c.procedure_id)
        ).all()
    )
    update = (
        sa.update(procedure)
        .where(procedure.c.id == sa.bindparam("row_id"))
        .values({name: sa.bindparam(name) for name in COLUMNS})
    )
    last = ""
    while True:
        rows = connection.execute(
            sa.select(procedure.c.id, procedure.c.kind, procedure.c.facts, procedure.c.created_at)
            .where(procedure.c.id > last)
            .order_by(procedure.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values: list[dict[str, Any]] = []
        for row_id, kind, facts, created_at in rows:
            first = first_acts.get(row_id)
            created = created_at or datetime.now(UTC)
            columns = diagnostic_columns(kind, facts or {}, [first] if first else [], created)
            values.append({"row_id": row_id, **columns})
        connection.execute(update, values)
        last = rows[-1][0]


def _resiliation_ids() -> sa.Select[tuple[str]]:
    return sa.select(procedure.c.id).where(procedure.c.kind == RESILIATION)
