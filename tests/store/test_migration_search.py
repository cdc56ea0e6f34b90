"""Revision 0011 writes the search texts of the procedures already projected, and indexes them
by trigrams on PostgreSQL."""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from store.db import alembic_config, make_engine
from store.search import SEARCH_INDEXES
from tests.builders import resiliation_body
from tests.store.test_migration_duration_counts import _procedure

REVISION = "0011"
ONE = "resiliation-2026-000001"
EVRY = {
    "insee": "91228",
    "name": "Évry-Courcouronnes",
    "postal_codes": "91000;91080",
    "population": 66000,
    "arrondissement_code": "912",
    "arrondissement": "Évry",
    "force_kind": "police",
    "forces_org_id": "police-evry-corbeil",
}


def test_existing_procedures_get_their_search_texts(db_url: str) -> None:
    config = alembic_config(db_url)
    previous = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
    assert isinstance(previous, str)
    command.upgrade(config, previous)
    old, engine = sa.MetaData(), make_engine(db_url)
    row = {
        **_procedure(),
        "id": ONE,
        "kind": "resiliation",
        "facts": resiliation_body(),
        "search_text": "résiliation",
        "anonymised_at": None,
    }
    gone = {**row, "id": "plainte-2020-000001", "anonymised_at": datetime(2026, 1, 1, tzinfo=UTC)}
    try:
        with engine.begin() as connection:
            procedure = sa.Table("procedure", old, autoload_with=connection)
            commune = sa.Table("commune", old, autoload_with=connection)
            connection.execute(sa.insert(commune).values([EVRY]))
            connection.execute(sa.insert(procedure).values([row, {**gone, "search_text": ""}]))
        command.upgrade(config, REVISION)
        with engine.connect() as connection:
            texts = connection.execute(
                sa.text(
                    "SELECT id, search_text, search_shared, search_full FROM procedure ORDER BY id"
                )
            ).all()
        assert texts[0][1:] == ("", "", "")  # anonymised: nothing to search
        _, agent, partner, full = texts[1]
        assert "evry-courcouronnes" in agent and "quietudetest" not in agent
        assert "quietudetest" in partner and "lgt-0042" in full
        indexes = {index["name"] for index in sa.inspect(engine).get_indexes("procedure")}
        expected = set(SEARCH_INDEXES) if engine.dialect.name == "postgresql" else set()
        assert indexes & set(SEARCH_INDEXES) == expected
        command.downgrade(config, previous)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("procedure")}
        assert "search_full" not in columns and "search_shared" not in columns
    finally:
        engine.dispose()
