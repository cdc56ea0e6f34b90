"""Revision 0006 fills the diagnostic columns of the procedures already in the read model."""

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from store.db import alembic_config, make_engine
from store.tables import Procedure

REVISION = "0005"
CREATED = datetime(2026, 7, 1, 9, tzinfo=UTC)
PLACE = {"nom": "Les Tilleuls", "commune_insee": "91228", "batiment": "B", "hall": "2"}
ROWS: list[tuple[str, str, dict[str, object]]] = [
    ("signalement-2026-000001", "signalement", {
        "categorie": "occupation_halls", "faits_le": "2026-01-05T22:30:00+01:00",
        "residence": PLACE,
    }),
    ("plainte-2026-000001", "plainte", {
        "faits": {"le": "2026-03-01T23:00:00+01:00", "categorie": "degradations",
                  "trafic_stupefiants": True},
        "residence": PLACE,
    }),
    ("resiliation-2026-000001", "resiliation", {
        "motifs": ["troubles_jouissance"], "logement": {"residence": PLACE | {"hall": "4"}},
    }),
]  # fmt: skip


def procedure_row(row_id: str, kind: str, facts: dict[str, object]) -> dict[str, object]:
    return {
        "id": row_id,
        "kind": kind,
        "status": "open",
        "bailleur_id": "demo-habitat-essonne",
        "commune_insee": "91228",
        "residence_nom": "Les Tilleuls",
        "title": kind,
        "facts": facts,
        "created_at": CREATED,
        "updated_at": CREATED,
        "overdue": False,
        "pending_actors": "",
        "search_text": "",
        "links": [],
        "milestones": [],
    }


def step_row(procedure_id: str, key: str, opened: date) -> dict[str, object]:
    return {
        "id": f"{procedure_id}:{key}:1",
        "procedure_id": procedure_id,
        "key": key,
        "seq": 1,
        "label": key,
        "actor": "bailleur",
        "org_id": "demo-habitat-essonne",
        "status": "done",
        "opened_at": CREATED,
        "opened_on": opened,
        "overdue": False,
        "implicite": False,
        "data": {},
        "due_explanation": "",
        "legal_basis": "",
    }


def select_as_of(engine: sa.Engine, model: Any) -> sa.Select[Any]:
    """The rows of a model's table with the columns the database has at its revision, typed as
    the model types them (aware timestamps on SQLite too)."""
    existing = {column["name"] for column in sa.inspect(engine).get_columns(model.__tablename__)}
    return sa.select(*(c for c in model.__table__.columns if c.name in existing))


def test_existing_rows_get_their_columns_and_downgrade_removes_them(db_url: str) -> None:
    config = alembic_config(db_url)
    previous = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
    assert isinstance(previous, str)
    command.upgrade(config, previous)
    old, engine = sa.MetaData(), make_engine(db_url)
    procedure = sa.Table("procedure", old, autoload_with=engine)
    step = sa.Table("step", old, autoload_with=engine)
    old_columns = {column.name for column in procedure.columns}
    resiliation = "resiliation-2026-000001"
    try:
        with engine.begin() as connection:
            rows = [procedure_row(*row) for row in ROWS]
            connection.execute(sa.insert(procedure).values(rows))
            steps = [
                step_row(resiliation, "mise_en_demeure", date(2026, 2, 1)),
                step_row(resiliation, "assignation", date(2026, 4, 3)),
            ]
            connection.execute(sa.insert(step).values(steps))
        command.upgrade(config, REVISION)
        with engine.connect() as connection:
            found = {row.id: row for row in connection.execute(select_as_of(engine, Procedure))}
        signalement, plainte = found["signalement-2026-000001"], found["plainte-2026-000001"]
        assert signalement.facts_at == datetime(2026, 1, 5, 21, 30, tzinfo=UTC)
        assert (signalement.categorie, signalement.batiment, signalement.hall) == (
            "occupation_halls", "B", "2",
        )  # fmt: skip
        assert signalement.trafic is False
        assert plainte.facts_at == datetime(2026, 3, 1, 22, tzinfo=UTC)
        assert (plainte.categorie, plainte.trafic) == ("degradations", True)
        dated = found[resiliation]
        assert dated.facts_at == datetime(2026, 2, 1, tzinfo=ZoneInfo("Europe/Paris"))
        assert (dated.categorie, dated.hall, dated.trafic) == ("troubles_jouissance", "4", False)
        command.downgrade(config, previous)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("procedure")}
        assert columns == old_columns
    finally:
        engine.dispose()
