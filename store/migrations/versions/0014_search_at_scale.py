"""Search at a million procedures: the trigram indexes hold the bailleur beside each text (the
btree_gin extension), so that a bailleur's search reads its own matches from one index instead
of crossing the matches of the whole region with the bailleur's 100,000 procedures; and a
bailleur's procedures in the list's order (bailleur, next due date, id), which a search finding
more than a thousand walks until its page is full (store.queries.list_procedures); the inbox
index holds each pending step's procedure id, so that an inbox searched or filtered by bailleur
reads its organisation's steps from the index alone before their procedures (store.inbox).

Where btree_gin cannot be created the trigram indexes stay as they were (0011).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.read_indexes import INBOX_INDEX, pending_only
from store.search import SEARCH_INDEXES

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE_INDEX = "ix_procedure_bailleur_due"
INBOX_BEFORE = ["key", "overdue", "procedure_kind", "procedure_status"]
INBOX_AFTER = [*INBOX_BEFORE, "procedure_id"]


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(DUE_INDEX, "procedure", ["bailleur_id", "next_due", "id"])
    _inbox_index(INBOX_AFTER)
    connection = op.get_bind()
    if connection.dialect.name != "postgresql" or not _btree_gin(connection):
        return
    for name, column in SEARCH_INDEXES.items():
        op.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
        op.execute(
            sa.text(
                f"CREATE INDEX {name} ON procedure USING gin (bailleur_id, {column} gin_trgm_ops)"
            )
        )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(DUE_INDEX, table_name="procedure")
    _inbox_index(INBOX_BEFORE)
    connection = op.get_bind()
    if connection.dialect.name != "postgresql" or not _has_trigrams(connection):
        return
    for name, column in SEARCH_INDEXES.items():
        op.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
        op.execute(sa.text(f"CREATE INDEX {name} ON procedure USING gin ({column} gin_trgm_ops)"))


def _inbox_index(include: list[str]) -> None:
    """The inbox index with `include` beside its columns (PostgreSQL; SQLite has no INCLUDE)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    name, *columns = INBOX_INDEX
    op.drop_index(name, table_name="step")
    op.create_index(name, "step", columns, postgresql_include=include, **pending_only())


def _has_trigrams(connection: sa.Connection) -> bool:
    found = connection.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    return found.first() is not None


def _btree_gin(connection: sa.Connection) -> bool:
    """Whether pg_trgm is there (0011) and btree_gin could be created (a trusted extension
    since PostgreSQL 13); without them the search is still correct, only slower."""
    if not _has_trigrams(connection):
        return False
    try:
        with connection.begin_nested():
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS btree_gin"))
    except sa.exc.DBAPIError:
        logging.getLogger(__name__).warning("btree_gin non créée : index de recherche inchangés")
        return False
    return True
