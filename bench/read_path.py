"""Read path at scale: synthetic procedures and steps bulk-loaded (COPY) into a throw-away
PostgreSQL read model, then p50/p95 through the API of the inbox of one organisation, the overdue
dashboard, a filtered paged list and a procedure detail (target: p95 ≤ 50 ms each); beside it the
same inbox filter through Temporal visibility (`list_workflows`) over N running workflows."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import event
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from bench.latency import RawWorkflow, Stack, embedded_stack, percentile
from tests.builders import BAILLEUR, POLICE_EVRY
from workflows import search_attributes

SAMPLES = 50
STEP_KEYS = ("transmission", "accuse_reception", "retour_information", "cloture")


def organisations(url: str) -> dict[str, list[str]]:
    """The organisation ids of the reference data, by kind."""
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT id, kind FROM organisation").fetchall()
    kinds: dict[str, list[str]] = {}
    for org_id, kind in rows:
        kinds.setdefault(kind, []).append(org_id)
    return kinds


def bulk_load(url: str, procedures: int, steps: int) -> None:
    """COPY `procedures` procedures and about `steps` steps, most closed, some overdue."""
    orgs = organisations(url)
    bailleurs = [BAILLEUR, *[o for o in orgs.get("bailleur", []) if o != BAILLEUR]]
    forces = [POLICE_EVRY, *[o for o in orgs.get("police", []) + orgs.get("gendarmerie", [])]]
    rng = random.Random(91)
    per = max(1, steps // procedures)
    now = datetime.now(UTC)
    today = now.date()
    plans = []
    for index in range(procedures):
        open_ = rng.random() < 0.2
        opened = today - timedelta(days=rng.randrange(1, 2000))
        due = opened + timedelta(days=15) if open_ else None
        force = forces[rng.randrange(len(forces))]
        plans.append((f"signalement-2020-{index:07d}", force, open_, opened, due))
    # One COPY at a time: a connection cannot interleave two.
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        with cursor.copy(
            "COPY procedure (id, kind, status, bailleur_id, commune_insee, residence_nom,"
            " title, facts, created_at, updated_at, next_due, overdue, pending_actors,"
            " search_text, links, milestones) FROM STDIN"
        ) as copy:
            for index, (procedure_id, _force, open_, _opened, due) in enumerate(plans):
                late = bool(due and due < today)
                copy.write_row(
                    (
                        procedure_id,
                        "signalement",
                        "open" if open_ else "closed",
                        bailleurs[index % len(bailleurs)],
                        "91228",
                        "Résidence des Tilleuls",
                        "Signalement — occupation halls",
                        "{}",
                        now,
                        now,
                        due,
                        late,
                        "forces" if open_ else "",
                        "tilleuls",
                        "[]",
                        "[]",
                    )
                )
        with cursor.copy(
            "COPY step (id, procedure_id, key, seq, label, actor, org_id, status, opened_at,"
            " opened_on, due, due_explanation, overdue, implicite, data, legal_basis,"
            " completed_on) FROM STDIN"
        ) as copy:
            for procedure_id, force, open_, opened, due in plans:
                late = bool(due and due < today)
                for seq in range(per):
                    key = STEP_KEYS[seq % len(STEP_KEYS)]
                    pending = open_ and seq == per - 1
                    # A done step took 1 to 40 days: the dashboard's medians read them all.
                    taken = timedelta(days=rng.randrange(1, 41))
                    completed_on = None if pending else opened + taken
                    copy.write_row(
                        (
                            f"{procedure_id}:{key}:{seq + 1}",
                            procedure_id,
                            key,
                            seq + 1,
                            key,
                            "forces",
                            force,
                            "pending" if pending else "done",
                            now,
                            opened,
                            due if pending else opened,
                            "",
                            late and pending,
                            False,
                            "{}",
                            "",
                            completed_on,
                        )
                    )
        connection.commit()
        connection.execute("ANALYZE")


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


async def explain_inbox(stack: Stack, url: str) -> None:
    """Capture the SQL of one inbox request and print its EXPLAIN ANALYZE."""
    captured: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if "step" in statement and "pending" in str(parameters):
            captured.append((statement, parameters))

    event.listen(stack.engine, "before_cursor_execute", record)
    await stack.http.get("/api/tasks", headers=stack.headers(POLICE_EVRY))
    event.remove(stack.engine, "before_cursor_execute", record)
    with psycopg.connect(url) as connection:
        for statement, parameters in captured[:1]:
            plan = connection.execute(f"EXPLAIN ANALYZE {statement}", parameters).fetchall()
            sys.stdout.write("# EXPLAIN ANALYZE (inbox)\n")
            sys.stdout.write("".join(f"#   {row[0]}\n" for row in plan))


async def visibility(stack: Stack, workflows: int) -> list[float]:
    """Durations of `list_workflows` on the pending organisation over `workflows` running."""
    query_org = f"org-{uuid.uuid4().hex[:8]}"
    for index in range(workflows):
        attributes = TypedSearchAttributes(
            [
                SearchAttributePair(search_attributes.KIND, "signalement"),
                SearchAttributePair(
                    search_attributes.PENDING_ORGS, [query_org if index % 10 == 0 else "other"]
                ),
            ]
        )
        await stack.raw_client.start_workflow(
            RawWorkflow.run,
            1,
            id=f"visibility-{uuid.uuid4()}",
            task_queue=stack.raw_queue,
            search_attributes=attributes,
        )
    query = f"QuietudePendingOrgs = '{query_org}' AND ExecutionStatus = 'Running'"
    await asyncio.sleep(2)  # visibility is eventually consistent
    durations = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        _ = [w async for w in stack.raw_client.list_workflows(query, page_size=50, limit=50)]
        durations.append(time.perf_counter() - started)
    return durations


async def measure(procedures: int, steps: int, workflows: int) -> None:
    """Load, then time each read through the API and through Temporal visibility."""
    async with embedded_stack() as stack:
        url = stack.settings.database_url.replace("+psycopg", "")
        started = time.perf_counter()
        await asyncio.to_thread(bulk_load, url, procedures, steps)
        sys.stdout.write(f"read_path_size: {procedures} procedures, {steps} steps\n")
        sys.stdout.write(f"read_path_load_time: {time.perf_counter() - started:.0f} s\n")
        police, bailleur = stack.headers(POLICE_EVRY), stack.headers(BAILLEUR, "manager")
        inbox = await timed(stack, "/api/tasks", police)
        line("read_inbox", inbox)
        line("read_dashboard_overdue", await timed(stack, "/api/dashboard", bailleur))
        paged = "/api/procedures?kind=signalement&status=open&overdue=true&page=3&per_page=50"
        line("read_filtered_list", await timed(stack, paged, bailleur))
        detail = "/api/procedures/signalement-2020-0000000"
        line("read_procedure_detail", await timed(stack, detail, bailleur))
        listing = await visibility(stack, workflows)
        line(f"visibility_list_workflows_{workflows}", listing, "")
        ratio = percentile(listing, 0.95) / percentile(inbox, 0.95)
        sys.stdout.write(f"visibility_vs_inbox_p95_ratio: {ratio:.2f} x\n")
        await explain_inbox(stack, url)


def main(argv: list[str] | None = None) -> None:
    """Run the read-path benchmark (`--procedures`, `--steps`, `--workflows`)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--procedures", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--workflows", type=int, default=500)
    args = parser.parse_args(argv if argv is not None else [])
    asyncio.run(measure(args.procedures, args.steps, args.workflows))


if __name__ == "__main__":
    main(sys.argv[1:])
