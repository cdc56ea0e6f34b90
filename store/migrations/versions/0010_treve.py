"""The end of the trêve hivernale per year, as reference data an administrator changes: a year
without a row ends on the law's 31 March; the two past exceptions are recorded with their texts.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Covid-19: the texts that moved the end of the 2020 and 2021 trêves (CPCE L. 412-6).
PAST_ENDS = (
    (
        2020,
        date(2020, 7, 10),
        # UNCONF: the ordonnance moved the end to 31 May; the text that carried it to 10 July
        # is not confirmed here (check on Légifrance before relying on this row's reference).
        "ordonnance n° 2020-331 du 25 mars 2020 et texte de prorogation (référence à vérifier)",
    ),
    (2021, date(2021, 5, 31), "ordonnance n° 2021-141 du 10 février 2021"),
)


def upgrade() -> None:
    """Apply this revision."""
    table = op.create_table(
        "treve_end",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("changed_by", sa.String(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    recorded = datetime(2026, 12, 10, tzinfo=UTC)
    op.bulk_insert(
        table,
        [
            {
                "year": year,
                "ends_on": ends_on,
                "reason": reason,
                "changed_by": "migration",
                "changed_at": recorded,
            }
            for year, ends_on, reason in PAST_ENDS
        ],
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("treve_end")
