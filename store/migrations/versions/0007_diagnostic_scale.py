"""Diagnostics at scale: the Paris hour and weekday of the facts, an index holding every column
the diagnostics read of a procedure, and on each step a copy of its procedure's date, commune,
kind and status (response times without joining steps to procedures).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from store.columns import UtcDateTime
from store.diagnostic_columns import moment_columns

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
# The names as of this revision (store.diagnostic_columns may grow later).
MOMENT_COLUMNS = ("facts_hour", "facts_weekday")
STEP_COPIES = {
    "facts_at": "facts_at",
    "commune_insee": "commune_insee",
    "procedure_kind": "kind",
    "procedure_status": "status",
}
DIAGNOSTIC_INDEX = [
    "facts_at",
    "kind",
    "status",
    "commune_insee",
    "bailleur_id",
    "residence_nom",
    "batiment",
    "hall",
    "categorie",
    "trafic",
    "facts_hour",
    "facts_weekday",
]
VACUUMED = ("procedure", "step")
VACUUM_PARAMETERS = ("autovacuum_vacuum_scale_factor", "autovacuum_vacuum_insert_scale_factor")
VACUUM_SETTINGS = ", ".join(f"{name} = 0.02" for name in VACUUM_PARAMETERS)
STEP_INDEXES = {
    "ix_step_facts_at": ["facts_at"],
    "ix_step_commune_facts_at": ["commune_insee", "facts_at"],
}

procedure = sa.table(
    "procedure",
    sa.column("id", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("status", sa.String()),
    sa.column("commune_insee", sa.String()),
    sa.column("facts_at", UtcDateTime()),
    sa.column("facts_hour", sa.Integer()),
    sa.column("facts_weekday", sa.Integer()),
)
step = sa.table(
    "step",
    sa.column("procedure_id", sa.String()),
    sa.column("facts_at", UtcDateTime()),
    sa.column("commune_insee", sa.String()),
    sa.column("procedure_kind", sa.String()),
    sa.column("procedure_status", sa.String()),
)


def upgrade() -> None:
    """Apply this revision."""
    for name in MOMENT_COLUMNS:
        op.add_column("procedure", sa.Column(name, sa.Integer(), nullable=True))
    op.add_column("step", sa.Column("facts_at", sa.DateTime(timezone=True), nullable=True))
    for name in ("commune_insee", "procedure_kind", "procedure_status"):
        op.add_column("step", sa.Column(name, sa.String(), nullable=True))
    connection = op.get_bind()
    _backfill_moments(connection)
    _backfill_steps(connection)
    op.create_index("ix_procedure_diagnostics", "procedure", DIAGNOSTIC_INDEX)
    for name, columns in STEP_INDEXES.items():
        op.create_index(name, "step", columns)
    if connection.dialect.name == "postgresql":
        # Index-only scans read the heap for pages changed since the last vacuum: vacuum the
        # procedures and steps after 2 % of their rows changed, not the default 20 %.
        for table in VACUUMED:
            op.execute(f"ALTER TABLE {table} SET ({VACUUM_SETTINGS})")


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        for table in VACUUMED:
            op.execute(f"ALTER TABLE {table} RESET ({', '.join(VACUUM_PARAMETERS)})")
    for name in STEP_INDEXES:
        op.drop_index(name, table_name="step")
    op.drop_index("ix_procedure_diagnostics", table_name="procedure")
    with op.batch_alter_table("step") as batch:
        for name in reversed(STEP_COPIES):
            batch.drop_column(name)
    with op.batch_alter_table("procedure") as batch:
        for name in reversed(MOMENT_COLUMNS):
            batch.drop_column(name)


def _backfill_moments(connection: sa.Connection) -> None:
    """The Paris hour and weekday of the dated procedures, in Python (SQLite has no time
    zones), by batches of ids."""
    update = (
        sa.update(procedure)
        .where(procedure.c.id == sa.bindparam("row_id"))
        .values({name: sa.bindparam(name) for name in MOMENT_COLUMNS})
    )
    last = ""
    while True:
        rows = connection.execute(
            sa.select(procedure.c.id, procedure.c.facts_at)
            .where(procedure.c.id > last, procedure.c.facts_at.is_not(None))
            .order_by(procedure.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values: list[dict[str, Any]] = []
        for row_id, facts_at in rows:
            moment = moment_columns(facts_at)
            values.append({"row_id": row_id, **{name: moment[name] for name in MOMENT_COLUMNS}})
        connection.execute(update, values)
        last = rows[-1][0]


def _backfill_steps(connection: sa.Connection) -> None:
    """Each step's copy of its procedure's columns, in one statement."""
    copies = {
        name: sa.select(procedure.c[source])
        .where(procedure.c.id == step.c.procedure_id)
        .scalar_subquery()
        for name, source in STEP_COPIES.items()
    }
    connection.execute(sa.update(step).values(copies))
