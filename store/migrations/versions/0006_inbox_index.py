"""The inbox index in the inbox's whole order (due date, legal opening date, instant, id).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ORDER = ["org_id", "status", "due", "opened_on", "opened_at", "id"]


def upgrade() -> None:
    """Apply this revision."""
    op.drop_index("ix_step_inbox", table_name="step")
    op.create_index("ix_step_inbox", "step", _ORDER)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_step_inbox", table_name="step")
    op.create_index("ix_step_inbox", "step", ["org_id", "status", "due"])
