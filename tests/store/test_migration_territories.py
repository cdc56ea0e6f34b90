"""Revision 0015 gives the communes already loaded their département and the routing they had
(the first parquet, juge and préfecture by id), and their organisations the département."""

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from store.db import alembic_config, make_engine
from tests.store.test_migration_search import EVRY

REVISION = "0015"
ORGS = [
    {
        "id": org_id,
        "kind": kind,
        "name": org_id,
        "territory": "Essonne",
        "email": "",
        "managers_email": "",
        "demo": False,
    }
    for org_id, kind in (
        ("police-evry-corbeil", "police"),
        ("parquet-evry", "parquet"),
        ("tj-evry", "juge"),
        ("prefecture-91", "prefecture"),
        ("demo-habitat-essonne", "bailleur"),
    )
]


def test_existing_communes_keep_their_routing_and_downgrade_removes_it(db_url: str) -> None:
    config = alembic_config(db_url)
    previous = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
    assert isinstance(previous, str)
    command.upgrade(config, previous)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            meta = sa.MetaData()
            commune = sa.Table("commune", meta, autoload_with=connection)
            organisation = sa.Table("organisation", meta, autoload_with=connection)
            connection.execute(sa.insert(organisation).values(ORGS))
            connection.execute(sa.insert(commune).values([EVRY]))
        command.upgrade(config, REVISION)
        with engine.connect() as connection:
            routed = connection.execute(
                sa.text(
                    "SELECT departement, parquet_org_id, juge_org_id, prefet_org_id FROM commune"
                )
            ).all()
            departements = dict(
                connection.execute(sa.text("SELECT id, departement FROM organisation")).all()
            )
        assert routed == [("91", "parquet-evry", "tj-evry", "prefecture-91")]
        assert departements == {
            "police-evry-corbeil": "91",
            "parquet-evry": "91",
            "tj-evry": "91",
            "prefecture-91": "91",
            "demo-habitat-essonne": None,
        }
        command.downgrade(config, previous)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("commune")}
        assert "departement" not in columns and "parquet_org_id" not in columns
        assert "commune_gap" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
