"""Revision 0009 ranks the steps already projected in the order they opened, so that lists
keep their order once the projection ranks new steps itself."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from store.db import alembic_config, make_engine
from tests.store.test_migration_duration_counts import ONE, _procedure, _step

REVISION = "0009"
AT = datetime(2026, 10, 1, 9, tzinfo=UTC)


def test_existing_steps_are_ranked_by_opening_then_name(db_url: str) -> None:
    config = alembic_config(db_url)
    previous = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
    assert isinstance(previous, str)
    command.upgrade(config, previous)
    old, engine = sa.MetaData(), make_engine(db_url)
    opened = {"retour_information": AT + timedelta(days=3), "accuse_reception": AT, "cloture": AT}
    try:
        with engine.begin() as connection:
            procedure = sa.Table("procedure", old, autoload_with=connection)
            steps = sa.Table("step", old, autoload_with=connection)
            connection.execute(sa.insert(procedure).values([_procedure()]))
            rows = [
                {**_step(key, at.date(), None), "opened_at": at} for key, at in opened.items()
            ]
            connection.execute(sa.insert(steps).values(rows))
        command.upgrade(config, REVISION)
        with engine.connect() as connection:
            ranked = connection.execute(
                sa.text("SELECT key, position FROM step WHERE procedure_id = :p ORDER BY key"),
                {"p": ONE},
            )
            assert dict(map(tuple, ranked)) == {
                "accuse_reception": 1,
                "cloture": 2,
                "retour_information": 3,
            }
        command.downgrade(config, previous)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("step")}
        assert "position" not in columns
    finally:
        engine.dispose()
