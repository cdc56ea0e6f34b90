"""Step position: the rank of each step in the order its procedure opened them, so that an
imported dossier's past steps are listed in the procedure's order rather than by name (they all
open at the import's instant); filled for the existing steps from that instant, then name.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RANKS = """
UPDATE step SET position = (
    SELECT COUNT(*) FROM step AS other
    WHERE other.procedure_id = step.procedure_id
      AND (other.opened_at < step.opened_at
           OR (other.opened_at = step.opened_at
               AND (other.seq < step.seq OR (other.seq = step.seq AND other.id <= step.id))))
)
"""


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("step") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
    op.execute(RANKS)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("step") as batch:
        batch.drop_column("position")
