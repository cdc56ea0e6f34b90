"""A bailleur's dashboard at a million procedures: each step copies its procedure's bailleur
(as it copies its status, 0007), so that the pending steps of a bailleur's open procedures are
counted by actor and organisation from one partial index (ix_step_bailleur_pending), instead of
crossing every pending step of the region with the bailleur's open procedures.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As of this revision (store.read_indexes may change later).
INDEX = "ix_step_bailleur_pending"
COLUMNS = ["bailleur_id", "actor", "org_id", "overdue", "commune_insee"]
CONDITION = "status = 'pending' AND procedure_status = 'open'"


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("step", sa.Column("bailleur_id", sa.String(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE step SET bailleur_id ="
            " (SELECT procedure.bailleur_id FROM procedure WHERE procedure.id = step.procedure_id)"
        )
    )
    where = sa.text(CONDITION)
    op.create_index(INDEX, "step", COLUMNS, postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(INDEX, table_name="step")
    with op.batch_alter_table("step") as batch:
        batch.drop_column("bailleur_id")
