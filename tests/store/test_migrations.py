"""The packaged migrations build exactly the schema the table models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from store.db import alembic_config, migrate
from store.search import compared
from tests.fixtures import engine_on


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        options = {"compare_type": True, "include_object": compared}
        context = MigrationContext.configure(connection, opts=options)
        return list(compare_metadata(context, SQLModel.metadata))


def test_migrations_produce_the_models_schema(db_url: str) -> None:
    with engine_on(db_url) as engine:
        assert _schema_diff(engine), "an empty database must differ from the models"
        migrate(db_url)
        assert _schema_diff(engine) == []


def test_migrate_records_head_and_can_run_again(db_url: str) -> None:
    migrate(db_url)
    migrate(db_url)
    head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    with engine_on(db_url) as engine:
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
        assert "ix_step_inbox" in {index["name"] for index in inspect(engine).get_indexes("step")}
