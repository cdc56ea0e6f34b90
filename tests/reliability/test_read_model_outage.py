"""The PostgreSQL read model refuses connections while steps complete: the projection retries
with backoff, and once the database is back the read model catches up, nothing lost or doubled."""

from __future__ import annotations

import asyncio
import re

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from domain.contracts import CompleteStep
from quietude.procedures import today_in_paris
from tests.builders import POLICE_EVRY
from tests.fixtures import POSTGRES_ADMIN_URL
from tests.reliability.harness import ACTS, Reliability, audit
from workflows.engine import ProcedureWorkflow

IN_FLIGHT = 10
OUTAGE_SECONDS = 10
BOUND_SECONDS = 60


def allow_connections(database: str, allowed: bool) -> None:
    """Open or close the database to new connections; closing also ends the open ones."""
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
                sql.Identifier(database), sql.SQL("true" if allowed else "false")
            )
        )
        if not allowed:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (database,),
            )


async def complete(stack: Reliability, pid: str) -> None:
    """The police acknowledge then answer, straight to the workflow (the API reads first)."""
    handle = stack.client.get_workflow_handle(pid)
    for key, outcome in ACTS:
        command = CompleteStep(
            key=key, outcome=outcome, on=today_in_paris(), org=POLICE_EVRY, sub="agent@police"
        )
        await handle.execute_update(ProcedureWorkflow.complete_step, command)


def projection_attempts(stack: Reliability, pid: str) -> int:
    """The highest attempt of the projection of a procedure that failed, from the workers'
    logs (0 if none): the projection runs as a local activity, retried inside the worker."""
    attempts = [
        int(match.group(1))
        for log in stack.settings.var_dir.glob("worker-*.log")
        for line in log.read_text(errors="replace").splitlines()
        if "Completing activity as failed" in line and f"'workflow_id': '{pid}'" in line
        for match in [re.search(r"'activity_type': 'project_procedure', 'attempt': (\d+)", line)]
        if match
    ]
    return max(attempts, default=0)


async def test_read_model_outage_is_caught_up(reliability_pg: Reliability):
    stack = reliability_pg
    database = str(make_url(stack.settings.database_url).database)
    pids = await stack.start_signalements(IN_FLIGHT)

    allow_connections(database, False)
    try:
        completions = asyncio.gather(*(complete(stack, pid) for pid in pids))
        await asyncio.sleep(OUTAGE_SECONDS)
        assert not completions.done()  # an update answers only once projected
        attempts = [projection_attempts(stack, pid) for pid in pids]
        assert min(attempts) >= 2, attempts  # retried, not given up
        assert max(attempts) <= 6, attempts  # with backoff, not in a tight loop
    finally:
        allow_connections(database, True)
    await asyncio.wait_for(completions, BOUND_SECONDS)
    await stack.wait_closing(pids, BOUND_SECONDS)

    result = await audit(stack, pids)
    assert result.wrong_steps == [] and result.event_gaps == []
    assert (result.missing_steps, result.duplicated, result.drifts) == (0, 0, 0)
    assert result.documents == IN_FLIGHT
