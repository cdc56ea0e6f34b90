"""Initial schema of the read model.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "commune",
        sa.Column("insee", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("postal_codes", sa.String(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("arrondissement_code", sa.String(), nullable=False),
        sa.Column("arrondissement", sa.String(), nullable=False),
        sa.Column("force_kind", sa.String(), nullable=False),
        sa.Column("forces_org_id", sa.String(), nullable=False),
        sa.Column("tribunal_proximite", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("insee"),
    )
    op.create_index("ix_commune_forces_org_id", "commune", ["forces_org_id"])

    op.create_table(
        "document",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("procedure_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step_key", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_procedure_id", "document", ["procedure_id"])

    op.create_table(
        "event",
        sa.Column("procedure_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("step_key", sa.String(), nullable=True),
        sa.Column("org_id", sa.String(), nullable=True),
        sa.Column("sub", sa.String(), nullable=True),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("procedure_id", "seq"),
    )
    op.create_table(
        "id_counter",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year"),
    )
    op.create_table(
        "notification",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("procedure_id", sa.String(), nullable=False),
        sa.Column("step_key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("recipients", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("transport", sa.String(), nullable=False),
        sa.Column("path", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notification_procedure_id", "notification", ["procedure_id"])

    op.create_table(
        "organisation",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("territory", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("managers_email", sa.String(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_organisation_kind", "organisation", ["kind"])

    op.create_table(
        "procedure",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("bailleur_id", sa.String(), nullable=False),
        sa.Column("commune_insee", sa.String(), nullable=False),
        sa.Column("residence_nom", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("pending_actors", sa.String(), nullable=False),
        sa.Column("search_text", sa.String(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("workflow_run_id", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_procedure_bailleur_id", "procedure", ["bailleur_id"])
    op.create_index("ix_procedure_commune_insee", "procedure", ["commune_insee"])
    op.create_index("ix_procedure_kind", "procedure", ["kind"])
    op.create_index("ix_procedure_next_due", "procedure", ["next_due"])
    op.create_index("ix_procedure_overdue", "procedure", ["overdue"])
    op.create_index("ix_procedure_status", "procedure", ["status"])

    op.create_table(
        "residence",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("bailleur_id", sa.String(), nullable=False),
        sa.Column("nom", sa.String(), nullable=False),
        sa.Column("adresse", sa.String(), nullable=False),
        sa.Column("commune_insee", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_residence_bailleur_id", "residence", ["bailleur_id"])

    op.create_table(
        "step",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("procedure_id", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("assignee_sub", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("due_explanation", sa.String(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.Column("implicite", sa.Boolean(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completed_by", sa.String(), nullable=True),
        sa.Column("completed_by_org", sa.String(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("comment", sa.String(), nullable=True),
        sa.Column("legal_basis", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_step_due", "step", ["due"])
    op.create_index("ix_step_inbox", "step", ["org_id", "status", "due"])
    op.create_index("ix_step_org_id", "step", ["org_id"])
    op.create_index("ix_step_procedure_id", "step", ["procedure_id"])
    op.create_index("ix_step_status", "step", ["status"])


def downgrade() -> None:
    """Revert this revision (dropping a table drops its indexes)."""
    op.drop_table("step")
    op.drop_table("residence")
    op.drop_table("procedure")
    op.drop_table("organisation")
    op.drop_table("notification")
    op.drop_table("id_counter")
    op.drop_table("event")
    op.drop_table("document")
    op.drop_table("commune")
