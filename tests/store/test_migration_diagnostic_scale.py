"""Revision 0007 gives the procedures already in the read model their Paris hour and weekday, and
their steps a copy of the procedure's date, commune, kind and status."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command

from store.db import alembic_config, make_engine
from store.tables import Procedure, Step
from tests.store.test_migration_diagnostic_columns import (
    ROWS,
    procedure_row,
    select_as_of,
    step_row,
)

REVISION, PREVIOUS = "0007", "0006"
SIGNALEMENT, RESILIATION = "signalement-2026-000001", "resiliation-2026-000001"


def vacuumed_often(engine: sa.Engine) -> bool:
    """Whether PostgreSQL vacuums the procedures after 2 % of changed rows."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as connection:
        options = connection.execute(
            sa.text("SELECT reloptions FROM pg_class WHERE relname = 'procedure'")
        ).scalar_one()
    return "autovacuum_vacuum_scale_factor=0.02" in (options or [])


def test_existing_rows_get_moments_and_step_copies_and_downgrade_removes_them(
    db_url: str,
) -> None:
    config = alembic_config(db_url)
    command.upgrade(config, "0004")  # before the diagnostic columns, as 0005's test
    engine = make_engine(db_url)
    try:
        metadata = sa.MetaData()
        procedure = sa.Table("procedure", metadata, autoload_with=engine)
        step = sa.Table("step", metadata, autoload_with=engine)
        with engine.begin() as connection:
            connection.execute(sa.insert(procedure).values([procedure_row(*row) for row in ROWS]))
            steps = [
                step_row(SIGNALEMENT, "accuse_reception", date(2026, 1, 6)),
                step_row(RESILIATION, "mise_en_demeure", date(2026, 2, 1)),
            ]
            connection.execute(sa.insert(step).values(steps))
        command.upgrade(config, PREVIOUS)
        before = {c["name"] for c in sa.inspect(engine).get_columns("step")}
        command.upgrade(config, REVISION)
        with engine.connect() as connection:
            procedures = {r.id: r for r in connection.execute(select_as_of(engine, Procedure))}
            copies = {r.procedure_id: r for r in connection.execute(select_as_of(engine, Step))}
        moments = {
            row_id: (row.facts_hour, row.facts_weekday) for row_id, row in procedures.items()
        }
        assert moments == {
            SIGNALEMENT: (22, 0),  # 2026-01-05T22:30+01:00, a Monday
            "plainte-2026-000001": (23, 6),  # 2026-03-01T23:00+01:00, a Sunday
            RESILIATION: (0, 6),  # dated by its first act, Sunday 2026-02-01
        }
        signalement = copies[SIGNALEMENT]
        assert signalement.facts_at == datetime(2026, 1, 5, 21, 30, tzinfo=UTC)
        assert (signalement.commune_insee, signalement.procedure_kind) == ("91228", "signalement")
        assert signalement.procedure_status == "open"
        assert copies[RESILIATION].facts_at == procedures[RESILIATION].facts_at
        indexes = {index["name"] for index in sa.inspect(engine).get_indexes("procedure")}
        assert "ix_procedure_diagnostics" in indexes
        assert vacuumed_often(engine) == (engine.dialect.name == "postgresql")
        command.downgrade(config, PREVIOUS)
        assert not vacuumed_often(engine)
        assert {c["name"] for c in sa.inspect(engine).get_columns("step")} == before
        columns = {c["name"] for c in sa.inspect(engine).get_columns("procedure")}
        assert not {"facts_hour", "facts_weekday"} & columns
    finally:
        engine.dispose()
