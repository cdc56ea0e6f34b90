"""The access log (entries chained by their hashes) and the anonymisation of procedures.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "access_entry",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sub", sa.String(), nullable=False),
        sa.Column("org", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("procedure_id", sa.String(), nullable=True),
        sa.Column("target", sa.String(), nullable=True),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_access_entry_at", "access_entry", ["at"])
    op.create_index("ix_access_entry_org", "access_entry", ["org"])
    op.create_index("ix_access_entry_procedure_id", "access_entry", ["procedure_id"])
    op.add_column("procedure", sa.Column("anonymised_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("procedure") as batch:
        batch.drop_column("anonymised_at")
    op.drop_table("access_entry")
