"""Search by what people know: one normalized text per visibility tier on each procedure (what a
bailleur's agent, a partner, the bailleur's legal team may read), filled from the facts; on
PostgreSQL, trigram indexes over them where the pg_trgm extension can be created.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from store.search import SEARCH_INDEXES, search_texts
from store.visibility import SearchTier

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
NEW_COLUMNS = ("search_shared", "search_full")
COLUMN_OF = {
    SearchTier.IN_PROGRESS: "search_text",
    SearchTier.SHARED: "search_shared",
    SearchTier.FULL: "search_full",
}

procedure = sa.table(
    "procedure",
    sa.column("id", sa.String()),
    sa.column("title", sa.String()),
    sa.column("residence_nom", sa.String()),
    sa.column("commune_insee", sa.String()),
    sa.column("facts", sa.JSON()),
    sa.column("anonymised_at", sa.DateTime(timezone=True)),
    *(sa.column(name, sa.String()) for name in COLUMN_OF.values()),
)
commune = sa.table("commune", sa.column("insee", sa.String()), sa.column("name", sa.String()))


def upgrade() -> None:
    """Apply this revision."""
    for name in NEW_COLUMNS:
        op.add_column("procedure", sa.Column(name, sa.String(), nullable=False, server_default=""))
    connection = op.get_bind()
    _backfill(connection)
    if connection.dialect.name == "postgresql" and _trigrams(connection):
        for name, column in SEARCH_INDEXES.items():
            op.create_index(
                name,
                "procedure",
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )


def downgrade() -> None:
    """Revert this revision."""
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for name in SEARCH_INDEXES:
            op.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
    with op.batch_alter_table("procedure") as batch:
        for name in reversed(NEW_COLUMNS):
            batch.drop_column(name)


def _trigrams(connection: sa.Connection) -> bool:
    """Whether pg_trgm is there or could be created (a trusted extension since PostgreSQL 13);
    without it the search reads the table, still correct, only slower."""
    available = connection.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).first()
    if available is None:
        logging.getLogger(__name__).warning("pg_trgm absent : recherche sans index")
        return False
    try:
        with connection.begin_nested():
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        logging.getLogger(__name__).warning("pg_trgm non créée : recherche sans index")
        return False
    return True


def _backfill(connection: sa.Connection) -> None:
    """Write the search texts of the existing rows from their facts, by batches of ids (an
    anonymised procedure keeps none)."""
    names = dict(connection.execute(sa.select(commune.c.insee, commune.c.name)).all())
    update = (
        sa.update(procedure)
        .where(procedure.c.id == sa.bindparam("row_id"))
        .values({name: sa.bindparam(name) for name in COLUMN_OF.values()})
    )
    columns = (
        procedure.c.id,
        procedure.c.title,
        procedure.c.residence_nom,
        procedure.c.commune_insee,
        procedure.c.facts,
    )
    last = ""
    while True:
        rows = connection.execute(
            sa.select(*columns)
            .where(procedure.c.id > last, procedure.c.anonymised_at.is_(None))
            .order_by(procedure.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values: list[dict[str, Any]] = []
        for row_id, title, residence_nom, commune_insee, facts in rows:
            heading = [row_id, title or "", residence_nom or ""]
            texts = search_texts(heading, commune_insee, facts or {}, names)
            values.append({"row_id": row_id, **{COLUMN_OF[t]: v for t, v in texts.items()}})
        connection.execute(update, values)
        last = rows[-1][0]
