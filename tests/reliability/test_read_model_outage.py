"""The PostgreSQL read model refuses connections while steps complete: the projection retries
with backoff (read from the attempts the worker logs), and once the database is back the read
model catches up, nothing lost or doubled."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from datetime import datetime

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
RETRIED_TO = 3  # each projection waits for the database through at least 3 failed attempts
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


@dataclass(frozen=True)
class Failure:
    """A failed attempt of a procedure's projection, as a worker logged it."""

    attempt: int
    at: datetime  # to the second, as the worker's log writes it


FAILED = re.compile(
    r"^(\d\d:\d\d:\d\d) .*Completing activity as failed.*"
    r"'activity_type': 'project_procedure', 'attempt': (\d+)"
)


def projection_failures(stack: Reliability, pid: str) -> list[Failure]:
    """The failed attempts of the projection of a procedure, from the workers' logs, in the
    order they were logged: the projection runs as a local activity, retried inside the worker."""
    return [
        Failure(int(match.group(2)), datetime.strptime(match.group(1), "%H:%M:%S"))
        for log in sorted(stack.settings.var_dir.glob("worker-*.log"))
        for line in log.read_text(errors="replace").splitlines()
        if f"'workflow_id': '{pid}'" in line
        for match in [FAILED.search(line)]
        if match
    ]


async def wait_for_retries(
    stack: Reliability, pids: list[str], attempt: int
) -> dict[str, list[Failure]]:
    """The failures of each procedure's projection, once each has failed at `attempt`; the
    bound only keeps a hung worker from hanging the test."""
    deadline = time.monotonic() + BOUND_SECONDS
    while True:
        failures = {pid: projection_failures(stack, pid) for pid in pids}
        if all(f and f[-1].attempt >= attempt for f in failures.values()):
            return failures
        if time.monotonic() > deadline:
            raise AssertionError(f"projection never retried to attempt {attempt}: {failures}")
        await asyncio.sleep(0.5)


def spaced_by_backoff(failures: list[Failure]) -> bool:
    """Whether attempt k came no sooner than the retry policy's backoff allows: 1 s, doubled
    each time, so 2^(k-1) - 1 whole seconds after the first (the log's seconds are truncated,
    which keeps whole seconds between them; a day wraps at midnight)."""
    first = failures[0]
    return first.attempt == 1 and all(
        (f.at - first.at).total_seconds() % 86400 >= 2 ** (f.attempt - 1) - 1 for f in failures
    )


async def test_read_model_outage_is_caught_up(reliability_pg: Reliability):
    stack = reliability_pg
    database = str(make_url(stack.settings.database_url).database)
    pids = await stack.start_signalements(IN_FLIGHT)

    allow_connections(database, False)
    try:
        completions = asyncio.gather(*(complete(stack, pid) for pid in pids))
        failures = await wait_for_retries(stack, pids, RETRIED_TO)
        assert not completions.done()  # an update answers only once projected
        for pid, attempts in failures.items():
            assert [f.attempt for f in attempts][:RETRIED_TO] == list(range(1, RETRIED_TO + 1))
            assert spaced_by_backoff(attempts), (pid, attempts)  # not in a tight loop
    finally:
        allow_connections(database, True)
    await asyncio.wait_for(completions, BOUND_SECONDS)
    await stack.wait_closing(pids, BOUND_SECONDS)

    result = await audit(stack, pids)
    assert result.wrong_steps == [] and result.event_gaps == []
    assert (result.missing_steps, result.duplicated, result.drifts) == (0, 0, 0)
    assert result.documents == IN_FLIGHT
