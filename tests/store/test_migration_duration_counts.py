"""Revision 0008 counts the steps already completed, as the projection would have."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from domain.steps import StepStatus
from store.db import alembic_config, make_engine
from tests.api.rows import BAILLEUR, POLICE_EVRY, project, step

REVISION = "0008"
ONE = "signalement-2026-000001"
AT = datetime(2026, 10, 1, 9, tzinfo=UTC)
STEPS = [  # key, opened on, completed on (None: pending)
    ("accuse_reception", date(2026, 10, 1), date(2026, 10, 4)),
    ("retour_information", date(2026, 10, 4), None),
]


def _procedure() -> dict[str, object]:
    return {
        "id": ONE,
        "kind": "signalement",
        "status": "open",
        "bailleur_id": BAILLEUR,
        "commune_insee": "91228",
        "residence_nom": "Les Tilleuls",
        "title": "Signalement",
        "facts": {},
        "created_at": AT,
        "updated_at": AT,
        "overdue": False,
        "pending_actors": "forces",
        "search_text": "",
        "links": [],
        "milestones": [],
    }


def _step(key: str, opened: date, completed: date | None) -> dict[str, object]:
    return {
        "id": f"{ONE}:{key}:1",
        "procedure_id": ONE,
        "key": key,
        "seq": 1,
        "label": f"Étape {key}",
        "actor": "forces",
        "org_id": POLICE_EVRY,
        "status": "done" if completed else "pending",
        "opened_at": AT,
        "opened_on": opened,
        "completed_on": completed,
        "overdue": False,
        "implicite": False,
        "data": {},
        "due_explanation": "",
        "legal_basis": "",
    }


def _counts(engine: sa.Engine) -> set[tuple[object, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT org_id, role, key, days, steps, label FROM step_duration_count")
        )
        return set(map(tuple, rows))


def test_completed_steps_are_counted_once_and_downgrade_drops_the_counts(db_url: str) -> None:
    config = alembic_config(db_url)
    previous = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
    assert isinstance(previous, str)
    command.upgrade(config, previous)
    old, engine = sa.MetaData(), make_engine(db_url)
    try:
        with engine.begin() as connection:
            procedure = sa.Table("procedure", old, autoload_with=connection)
            steps = sa.Table("step", old, autoload_with=connection)
            connection.execute(sa.insert(procedure).values([_procedure()]))
            connection.execute(sa.insert(steps).values([_step(*row) for row in STEPS]))
        command.upgrade(config, REVISION)
        counted = {
            (BAILLEUR, "bailleur", "accuse_reception", 3, 1, "Étape accuse_reception"),
            (POLICE_EVRY, "partenaire", "accuse_reception", 3, 1, "Étape accuse_reception"),
        }
        assert _counts(engine) == counted
        # The same state projected again (by today's projection, on today's schema): its ledger
        # says it is already counted.
        command.upgrade(config, "head")
        states = [
            step(key, POLICE_EVRY, opened, status=StepStatus.DONE, completed_on=completed)
            if completed
            else step(key, POLICE_EVRY, opened)
            for key, opened, completed in STEPS
        ]
        project(engine, ONE, states)
        assert _counts(engine) == counted
        command.downgrade(config, previous)
        tables = set(sa.inspect(engine).get_table_names())
        assert not tables & {"step_duration_count", "duration_ledger"}
    finally:
        engine.dispose()
