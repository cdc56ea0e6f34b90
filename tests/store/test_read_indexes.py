"""The read path's queries can be answered by the partial indexes over pending steps (0008,
0016): the inbox counts from ix_step_inbox alone, a bailleur's dashboard from its pending steps'
copy of their bailleur, a partner's from the open procedures it holds a step in. Plans, not
timings (the timings are in bench/read_path.py)."""

from datetime import date

import psycopg
import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from store.dashboard import dashboard
from store.queries import inbox_counts
from store.visibility import scope_of
from tests.api.rows import BAILLEUR, POLICE_EVRY, project, step


@pytest.fixture
def postgres(postgres_read_model: tuple[str, Engine]) -> tuple[str, Engine]:
    """The PostgreSQL read model with one procedure waiting for the police, late."""
    _, engine = postgres_read_model
    opened = date(2026, 10, 20)
    late = step("accuse_reception", POLICE_EVRY, opened, due=date(2026, 10, 24), overdue=True)
    project(engine, "signalement-2026-000001", [late])
    return postgres_read_model


def _plans(url: str, engine: Engine, read, without: str = "") -> list[str]:  # noqa: ANN001
    """The plans of the statements `read` runs, with sequential scans priced out (a tiny table
    is otherwise read whole), and index `without` dropped for the time of the EXPLAIN (on one
    row, any index holding the column filtered on costs the same): what they show is that the
    index is usable."""
    captured = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    with Session(engine) as session:
        read(session)
    event.remove(engine, "before_cursor_execute", record)
    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        connection.execute("SET enable_seqscan = off")
        if without:
            connection.execute(f"DROP INDEX {without}")  # rolled back on leaving the block
        return [
            "\n".join(row[0] for row in connection.execute(f"EXPLAIN {sql}", parameters))
            for sql, parameters in captured
            if sql.lstrip().startswith("SELECT") and " step" in sql
        ]


def test_inbox_counts_are_read_from_the_index_of_pending_steps_alone(postgres) -> None:  # noqa: ANN001
    url, engine = postgres
    read = lambda session: inbox_counts(session, POLICE_EVRY)  # noqa: E731
    (plan,) = _plans(url, engine, read, without="ix_step_bailleur_pending")
    assert "Index Only Scan using ix_step_inbox on step" in plan, plan
    assert " on procedure" not in plan


def test_a_bailleurs_dashboard_counts_from_its_pending_steps_copy_of_the_bailleur(
    postgres,  # noqa: ANN001
) -> None:
    url, engine = postgres

    def read(session: Session) -> None:
        dashboard(session, scope_of(session, BAILLEUR, "manager"), {})

    pending, oldest, durations = _plans(url, engine, read)
    assert "Index Only Scan using ix_step_bailleur_pending on step" in pending, pending
    assert " procedure" not in pending
    # On a few rows either index of a bailleur's procedures serves; at a million the planner
    # takes ix_procedure_bailleur_list, index alone (bench/read_path.py prints the plan).
    on_bailleur = ("ix_procedure_bailleur_list", "ix_procedure_bailleur_due")
    assert any(f"using {index} on procedure" in oldest for index in on_bailleur), oldest
    pending_only = ("ix_step_pending", "ix_step_inbox", "ix_step_overdue")
    assert any(f"using {index} on step" in oldest for index in pending_only), oldest
    assert "Index Only Scan using ix_step_duration_count_read" in durations


def test_a_partners_dashboard_reads_the_pending_steps_of_the_procedures_it_holds_a_step_in(
    postgres,  # noqa: ANN001
) -> None:
    url, engine = postgres

    def read(session: Session) -> None:
        dashboard(session, scope_of(session, POLICE_EVRY, "manager"), {})

    held, pending, oldest, _ = _plans(url, engine, read)
    assert "Index Only Scan using ix_step_open_org on step" in held, held
    # Its pending steps are read by the ids of those procedures, never joined with every
    # pending step (at a million the planner takes ix_step_pending: bench/read_path.py).
    assert "(procedure_id)::text = " in pending and "Join" not in pending, pending
    # The late ones among them are read by their ids.
    assert "Index Cond: ((id)::text = " in oldest, oldest
    assert "assigned_step" not in oldest  # no test of each open procedure
