"""The communes' collation key (domain.labels.collation_key of the name), what the lists sort
by in SQL: comparing the names' bytes put "Égly", "Étampes" and "Évry" after "Wissous".

No index: the lists order procedures or steps joined on their commune, which an index over the
few hundred communes' keys does not serve.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from domain.labels import collation_key

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000

commune = sa.table(
    "commune",
    sa.column("insee", sa.String()),
    sa.column("name", sa.String()),
    sa.column("sort_key", sa.String()),
)


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("commune", sa.Column("sort_key", sa.String(), nullable=False, server_default=""))
    _backfill(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("commune") as batch:
        batch.drop_column("sort_key")


def _backfill(connection: sa.Connection) -> None:
    """Write the key of the communes already loaded from their names, by batches of codes."""
    update = (
        sa.update(commune)
        .where(commune.c.insee == sa.bindparam("row_insee"))
        .values(sort_key=sa.bindparam("row_key"))
    )
    last = ""
    while True:
        rows = connection.execute(
            sa.select(commune.c.insee, commune.c.name)
            .where(commune.c.insee > last)
            .order_by(commune.c.insee)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = [{"row_insee": insee, "row_key": collation_key(name)} for insee, name in rows]
        connection.execute(update, values)
        last = rows[-1][0]
