"""Revision 0016 gives the steps already in the read model their procedure's bailleur."""

from datetime import date

import sqlalchemy as sa
from alembic import command

from store.db import alembic_config, make_engine
from tests.store.test_migration_diagnostic_columns import ROWS, procedure_row, step_row

REVISION, PREVIOUS = "0016", "0015"
OTHER = "bailleur-du-val"


def test_existing_steps_get_their_bailleur_and_downgrade_removes_it(db_url: str) -> None:
    config = alembic_config(db_url)
    command.upgrade(config, PREVIOUS)
    engine = make_engine(db_url)
    try:
        metadata = sa.MetaData()
        procedure = sa.Table("procedure", metadata, autoload_with=engine)
        step = sa.Table("step", metadata, autoload_with=engine)
        (first, _), (second, _) = ((row[0], row[1]) for row in ROWS[:2])
        with engine.begin() as connection:
            rows = [procedure_row(*row) for row in ROWS[:2]]
            rows[1]["bailleur_id"] = OTHER
            connection.execute(sa.insert(procedure).values(rows))
            steps = [
                step_row(first, "accuse_reception", date(2026, 1, 6)),
                step_row(first, "retour_information", date(2026, 1, 9)),
                step_row(second, "accuse_reception", date(2026, 3, 2)),
            ]
            connection.execute(sa.insert(step).values(steps))
        command.upgrade(config, REVISION)
        with engine.connect() as connection:
            copies = connection.execute(
                sa.text("SELECT id, bailleur_id FROM step ORDER BY id")
            ).all()
        assert copies == [
            (f"{second}:accuse_reception:1", OTHER),
            (f"{first}:accuse_reception:1", "demo-habitat-essonne"),
            (f"{first}:retour_information:1", "demo-habitat-essonne"),
        ]
        indexes = {index["name"] for index in sa.inspect(engine).get_indexes("step")}
        assert "ix_step_bailleur_pending" in indexes
        command.downgrade(config, PREVIOUS)
        assert "bailleur_id" not in {c["name"] for c in sa.inspect(engine).get_columns("step")}
    finally:
        engine.dispose()
