"""The read path's queries can be answered by the partial indexes over pending steps (0008):
the inbox counts from ix_step_inbox alone, the dashboard from the open procedures of a bailleur
and the pending steps of each. Plans, not timings (the timings are in bench/read_path.py)."""

from datetime import date

import psycopg
import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from store.queries import dashboard, inbox_counts
from store.visibility import scope_of
from tests.api.rows import BAILLEUR, POLICE_EVRY, project, step


@pytest.fixture
def postgres(postgres_read_model: tuple[str, Engine]) -> tuple[str, Engine]:
    """The PostgreSQL read model with one procedure waiting for the police."""
    _, engine = postgres_read_model
    due = date(2026, 10, 20)
    project(engine, "signalement-2026-000001", [step("accuse_reception", POLICE_EVRY, due)])
    return postgres_read_model


def _plans(url: str, engine: Engine, read) -> list[str]:  # noqa: ANN001
    """The plans of the statements `read` runs, with sequential scans priced out (a tiny table
    is otherwise read whole): what they show is that the index is usable."""
    captured = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    with Session(engine) as session:
        read(session)
    event.remove(engine, "before_cursor_execute", record)
    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        connection.execute("SET enable_seqscan = off")
        return [
            "\n".join(row[0] for row in connection.execute(f"EXPLAIN {sql}", parameters))
            for sql, parameters in captured
            if sql.lstrip().startswith("SELECT") and " step" in sql
        ]


def test_inbox_counts_are_read_from_the_index_of_pending_steps_alone(postgres) -> None:  # noqa: ANN001
    url, engine = postgres
    (plan,) = _plans(url, engine, lambda session: inbox_counts(session, POLICE_EVRY))
    assert "Index Only Scan using ix_step_inbox on step" in plan
    assert " on procedure" not in plan


def test_dashboard_reads_open_procedures_and_their_pending_steps(postgres) -> None:  # noqa: ANN001
    url, engine = postgres

    def read(session: Session) -> None:
        dashboard(session, scope_of(session, BAILLEUR, "manager"), {})

    pending, oldest, durations = _plans(url, engine, read)
    pending_only = ("ix_step_pending", "ix_step_inbox", "ix_step_overdue")
    # On a few rows either index of a bailleur's procedures serves; at a million the planner
    # takes ix_procedure_bailleur_list, index alone (bench/read_path.py prints the plan).
    on_bailleur = ("ix_procedure_bailleur_list", "ix_procedure_bailleur_due")
    for plan in (pending, oldest):
        assert any(f"using {index} on procedure" in plan for index in on_bailleur)
        assert any(f"using {index} on step" in plan for index in pending_only)
    assert "Index Only Scan using ix_step_duration_count_read" in durations


def test_a_partners_dashboard_starts_from_the_steps_it_holds_in_open_procedures(
    postgres,  # noqa: ANN001
) -> None:
    url, engine = postgres

    def read(session: Session) -> None:
        dashboard(session, scope_of(session, POLICE_EVRY, "manager"), {})

    pending, oldest, _ = _plans(url, engine, read)
    for plan in (pending, oldest):
        assert "using ix_step_open_org on step held_step" in plan
        assert "assigned_step" not in plan  # no test of each open procedure
