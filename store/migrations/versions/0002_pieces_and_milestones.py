"""Exhibits of a procedure's file (pièces) and the procedure's milestones.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "piece",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("procedure_id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("content_type", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("procedure_id", "sha256", name="uq_piece_procedure_sha256"),
    )
    op.create_index("ix_piece_procedure_id", "piece", ["procedure_id"])
    # Procedures already projected get an empty list; the next projection fills it.
    op.add_column(
        "procedure",
        sa.Column("milestones", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("procedure") as batch:
        batch.drop_column("milestones")
    op.drop_table("piece")
