"""Territories as data: each commune names its département and the tribunal judiciaire, parquet,
juge and préfecture competent for it (routing by the dossier's commune, store.reference); each
organisation its département; the communes no dossier can be routed for yet, with what is
missing (commune_gap).

The communes already loaded keep the routing they had: the first organisation of each kind, by
id (the rule quietude.starts applied before). The next reference load writes the data's values.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from domain.territory import departement_of

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
COMMUNE_COLUMNS = (
    "departement",
    "tribunal_judiciaire",
    "parquet_org_id",
    "juge_org_id",
    "prefet_org_id",
)
# The commune column and the organisation kind it was routed to before this revision.
FIRST_OF_KIND = {"parquet_org_id": "parquet", "juge_org_id": "juge", "prefet_org_id": "prefecture"}

commune = sa.table(
    "commune",
    sa.column("insee", sa.String()),
    sa.column("forces_org_id", sa.String()),
    *(sa.column(name, sa.String()) for name in COMMUNE_COLUMNS),
)
organisation = sa.table(
    "organisation",
    sa.column("id", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("departement", sa.String()),
)


def upgrade() -> None:
    """Apply this revision."""
    for name in COMMUNE_COLUMNS:
        op.add_column("commune", sa.Column(name, sa.String(), nullable=False, server_default=""))
    op.create_index("ix_commune_departement", "commune", ["departement"])
    op.add_column("organisation", sa.Column("departement", sa.String(), nullable=True))
    op.create_index("ix_organisation_departement", "organisation", ["departement"])
    op.create_table(
        "commune_gap",
        sa.Column("insee", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("departement", sa.String(), nullable=False),
        sa.Column("missing", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("insee"),
    )
    _backfill(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("commune_gap")
    op.drop_index("ix_organisation_departement", table_name="organisation")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("departement")
    op.drop_index("ix_commune_departement", table_name="commune")
    with op.batch_alter_table("commune") as batch:
        for name in COMMUNE_COLUMNS:
            batch.drop_column(name)


def _first_of_kind(connection: sa.Connection, kind: str) -> str:
    found = connection.execute(
        sa.select(organisation.c.id)
        .where(organisation.c.kind == kind)
        .order_by(organisation.c.id)
        .limit(1)
    ).first()
    return found[0] if found else ""


def _backfill(connection: sa.Connection) -> None:
    """Write the département and the routing the communes already loaded had, by batches of
    codes; then the département of the organisations they route to."""
    routed = {column: _first_of_kind(connection, kind) for column, kind in FIRST_OF_KIND.items()}
    update = (
        sa.update(commune)
        .where(commune.c.insee == sa.bindparam("row_insee"))
        .values(departement=sa.bindparam("row_departement"), **routed)
    )
    org_departements: dict[str, str] = {}
    last = ""
    while True:
        rows = connection.execute(
            sa.select(commune.c.insee, commune.c.forces_org_id)
            .where(commune.c.insee > last)
            .order_by(commune.c.insee)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        values = [
            {"row_insee": insee, "row_departement": departement_of(insee)} for insee, _ in rows
        ]
        connection.execute(update, values)
        for (_, forces), value in zip(rows, values, strict=True):
            for org_id in (forces, *routed.values()):
                org_departements.setdefault(org_id, value["row_departement"])
        last = rows[-1][0]
    for org_id, departement in org_departements.items():
        connection.execute(
            sa.update(organisation)
            .where(organisation.c.id == org_id)
            .values(departement=departement)
        )
