"""Revision 0014 puts the bailleur beside each text in the trigram indexes (PostgreSQL, with
btree_gin) and the procedure id in the inbox index, and adds a bailleur's procedures in the
list's order; downgraded, the indexes of 0011 and 0008 come back."""

import sqlalchemy as sa
from alembic import command

from store.db import alembic_config, make_engine
from store.search import SEARCH_INDEXES

DUE_INDEX = "ix_procedure_bailleur_due"


def _indexes(engine: sa.Engine) -> dict[str, str]:
    """The procedure's indexes, by name: their definition on PostgreSQL, their columns elsewhere."""
    if engine.dialect.name != "postgresql":
        found = sa.inspect(engine).get_indexes("procedure")
        return {index["name"] or "": ", ".join(map(str, index["column_names"])) for index in found}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'procedure'")
        )
        return dict(rows.all())


def _step_indexes(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'step'")
        )
        return dict(rows.all())


def test_search_indexes_hold_the_bailleur_and_come_back_on_downgrade(db_url: str) -> None:
    config = alembic_config(db_url)
    engine = make_engine(db_url)
    try:
        command.upgrade(config, "0014")
        indexes = _indexes(engine)
        assert "bailleur_id, next_due, id" in indexes[DUE_INDEX]
        if engine.dialect.name == "postgresql":
            for name, column in SEARCH_INDEXES.items():
                assert f"gin (bailleur_id, {column} gin_trgm_ops)" in indexes[name]
            assert "procedure_status, procedure_id)" in _step_indexes(engine)["ix_step_inbox"]
        command.downgrade(config, "0013")
        indexes = _indexes(engine)
        assert DUE_INDEX not in indexes
        if engine.dialect.name == "postgresql":
            for name, column in SEARCH_INDEXES.items():
                assert f"gin ({column} gin_trgm_ops)" in indexes[name]
            assert "procedure_id" not in _step_indexes(engine)["ix_step_inbox"]
    finally:
        engine.dispose()
