"""Revision 0013 writes the collation key of the communes already loaded."""

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from store.db import alembic_config, make_engine
from tests.store.test_migration_search import EVRY

REVISION = "0013"
COMMUNES = [
    EVRY,
    {**EVRY, "insee": "91207", "name": "Égly"},
    {**EVRY, "insee": "91689", "name": "Wissous"},
]


def test_existing_communes_get_their_sort_key(db_url: str) -> None:
    config = alembic_config(db_url)
    previous = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
    assert isinstance(previous, str)
    command.upgrade(config, previous)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            commune = sa.Table("commune", sa.MetaData(), autoload_with=connection)
            connection.execute(sa.insert(commune).values(COMMUNES))
        command.upgrade(config, REVISION)
        with engine.connect() as connection:
            keys = connection.execute(
                sa.text("SELECT name, sort_key FROM commune ORDER BY sort_key")
            ).all()
        assert keys == [
            ("Égly", "egly"),
            ("Évry-Courcouronnes", "evry-courcouronnes"),
            ("Wissous", "wissous"),
        ]
        command.downgrade(config, previous)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("commune")}
        assert "sort_key" not in columns
    finally:
        engine.dispose()
