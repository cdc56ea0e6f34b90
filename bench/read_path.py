"""Read path at scale: synthetic procedures and steps bulk-loaded (COPY) into a throw-away
PostgreSQL read model, then p50/p95 through the API of the inbox of one organisation, the overdue
dashboard, a filtered paged list, a procedure detail and the searches of the list and of the
inbox (target: p95 ≤ 50 ms each); beside it the same inbox filter through Temporal visibility
(`list_workflows`) over N running workflows."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import psycopg
from sqlalchemy import event
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from bench.latency import RawWorkflow, Stack, embedded_stack, percentile
from bench.read_model_data import Synthetic
from bench.read_model_load import bulk_load
from tests.builders import BAILLEUR, POLICE_EVRY
from workflows import search_attributes

SAMPLES = 50
BATCH = 100  # workflows started at once


async def timed(stack: Stack, path: str, headers: dict[str, str]) -> list[float]:
    """Durations of SAMPLES GET requests, after one untimed."""
    (await stack.http.get(path, headers=headers)).raise_for_status()
    durations = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        (await stack.http.get(path, headers=headers)).raise_for_status()
        durations.append(time.perf_counter() - started)
    return durations


def line(name: str, values: list[float], target: str = " (objectif ≤ 50 ms)") -> None:
    """Print p50 and p95 in ms."""
    sys.stdout.write(f"{name}_p50: {percentile(values, 0.5) * 1000:.1f} ms\n")
    sys.stdout.write(f"{name}_p95: {percentile(values, 0.95) * 1000:.1f} ms{target}\n")


async def explain(
    stack: Stack, url: str, name: str, path: str, headers: dict[str, str], table: str = " step"
) -> None:
    """Print the EXPLAIN (ANALYZE, BUFFERS) of each read-model query of one request that reads
    `table`."""
    captured: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().startswith("SELECT") and table in statement:
            captured.append((statement, parameters))

    event.listen(stack.engine, "before_cursor_execute", record)
    await stack.http.get(path, headers=headers)
    event.remove(stack.engine, "before_cursor_execute", record)
    with psycopg.connect(url) as connection:
        for statement, parameters in captured:
            plan = connection.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
            sys.stdout.write(f"# EXPLAIN ({name}) {' '.join(statement.split())[:90]}…\n")
            sys.stdout.write("".join(f"#   {row[0]}\n" for row in plan.fetchall()))


SEARCHES = (  # name, organisation, role, terms (store.search)
    ("search_list_name", BAILLEUR, "manager", "durand"),  # a name: the legal team's tier
    ("search_list_address_commune", BAILLEUR, "manager", "rue des lilas evry"),
    ("search_list_agent", BAILLEUR, "agent", "Étampes"),
    ("search_list_few", BAILLEUR, "manager", "durand etampes"),  # under the count's cap
    ("search_inbox_forces", POLICE_EVRY, "manager", "courcouronnes"),
)


async def searches(stack: Stack, number: str) -> None:
    """Time the search of the list and of the inbox, per tier, by name, address, commune and
    number (p95 target ≤ 50 ms)."""
    for name, org, role, terms in SEARCHES:
        route = "/api/tasks" if "inbox" in name else "/api/procedures"
        path = f"{route}?{urlencode({'q': terms})}"
        line(name, await timed(stack, path, stack.headers(org, role)))
    number_path = f"/api/procedures?q={number}"
    line("search_list_number", await timed(stack, number_path, stack.headers(BAILLEUR, "manager")))


async def _start_raw(stack: Stack, queue: str, pending_org: str) -> None:
    attributes = TypedSearchAttributes(
        [
            SearchAttributePair(search_attributes.KIND, "signalement"),
            SearchAttributePair(search_attributes.PENDING_ORGS, [pending_org]),
        ]
    )
    await stack.raw_client.start_workflow(
        RawWorkflow.run,
        1,
        id=f"visibility-{uuid.uuid4()}",
        task_queue=queue,
        search_attributes=attributes,
    )


async def visibility(stack: Stack, workflows: int) -> list[float]:
    """Durations of `list_workflows` on the pending organisation over `workflows` running,
    one in ten pending with it. They are started, a hundred at a time, on a task queue no
    worker polls: they stay running, and the server has nothing else to do while it lists."""
    query_org = f"org-{uuid.uuid4().hex[:8]}"
    queue = f"visibility-{uuid.uuid4()}"
    for first in range(0, workflows, BATCH):
        await asyncio.gather(
            *(
                _start_raw(stack, queue, query_org if index % 10 == 0 else "other")
                for index in range(first, min(first + BATCH, workflows))
            )
        )
    query = f"QuietudePendingOrgs = '{query_org}' AND ExecutionStatus = 'Running'"
    expected = len(range(0, workflows, 10))
    for _ in range(60):  # visibility is eventually consistent
        if (await stack.raw_client.count_workflows(query)).count >= expected:
            break
        await asyncio.sleep(0.5)
    durations = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        _ = [w async for w in stack.raw_client.list_workflows(query, page_size=50, limit=50)]
        durations.append(time.perf_counter() - started)
    return durations


def loaded(url: str) -> Synthetic:
    """What a database loaded by an earlier run holds (`--database`)."""
    with psycopg.connect(url) as connection:

        def one(sql: str, *parameters: str) -> Any:
            row = connection.execute(sql, parameters).fetchone()
            return row[0] if row else None

        pending = "SELECT count(*) FROM step WHERE status = 'pending'"
        return Synthetic(
            procedures=one("SELECT count(*) FROM procedure"),
            steps=one("SELECT count(*) FROM step"),
            open=one("SELECT count(*) FROM procedure WHERE status = 'open'"),
            pending=one(pending),
            overdue=one(f"{pending} AND overdue"),
            detail_id=one(
                "SELECT p.id FROM procedure p WHERE p.bailleur_id = %s"
                " AND (SELECT count(*) FROM step s WHERE s.procedure_id = p.id) >= 10 LIMIT 1",
                BAILLEUR,
            )
            or "",
        )


async def measure(procedures: int, steps: int, workflows: int, database: str | None = None) -> None:
    """Load (unless `database` already holds `procedures` procedures: then it is read as it
    is), then time each read through the API and through Temporal visibility."""
    async with embedded_stack(database_url=database) as stack:
        url = stack.settings.database_url.replace("+psycopg", "")
        started = time.perf_counter()
        data = loaded(url) if database else Synthetic()
        if data.procedures != procedures:
            data = await asyncio.to_thread(bulk_load, url, procedures, steps)
        sys.stdout.write(
            f"read_path_size: {data.procedures} procedures, {data.steps} steps,"
            f" {data.open} open, {data.pending} pending steps, {data.overdue} overdue\n"
        )
        sys.stdout.write(f"read_path_load_time: {time.perf_counter() - started:.0f} s\n")
        phases = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in data.seconds.items())
        sys.stdout.write(f"# load (not a result): {phases}\n")
        police, bailleur = stack.headers(POLICE_EVRY), stack.headers(BAILLEUR, "manager")
        inbox = await timed(stack, "/api/tasks", police)
        line("read_inbox", inbox)
        line("read_dashboard_overdue", await timed(stack, "/api/dashboard", bailleur))
        # The dashboard of a partner: it sees a procedure through a step it holds.
        forces = stack.headers(POLICE_EVRY, "manager")
        line("read_dashboard_forces", await timed(stack, "/api/dashboard", forces))
        paged = "/api/procedures?kind=signalement&status=open&overdue=true&page=3&per_page=50"
        line("read_filtered_list", await timed(stack, paged, bailleur))
        detail = f"/api/procedures/{data.detail_id}"
        line("read_procedure_detail", await timed(stack, detail, bailleur))
        await searches(stack, data.detail_id)
        listing = await visibility(stack, workflows)
        line(f"visibility_list_workflows_{workflows}", listing, "")
        ratio = percentile(listing, 0.95) / percentile(inbox, 0.95)
        sys.stdout.write(f"visibility_vs_inbox_p95_ratio: {ratio:.2f} x\n")
        await explain(stack, url, "inbox", "/api/tasks", police)
        await explain(stack, url, "dashboard", "/api/dashboard", bailleur)
        name_search = f"/api/procedures?{urlencode({'q': SEARCHES[0][3]})}"
        await explain(stack, url, "search", name_search, bailleur, "search_full")


def main(argv: list[str] | None = None) -> None:
    """Run the read-path benchmark (`--procedures`, `--steps`, `--workflows`)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--procedures", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=10_000_000)
    parser.add_argument("--workflows", type=int, default=10_000)
    parser.add_argument(
        "--database",
        help="URL d'une base PostgreSQL gardée entre deux mesures (chargée si elle ne contient"
        " pas déjà --procedures procédures)",
    )
    args = parser.parse_args(argv if argv is not None else [])
    asyncio.run(measure(args.procedures, args.steps, args.workflows, args.database))


if __name__ == "__main__":
    main(sys.argv[1:])
