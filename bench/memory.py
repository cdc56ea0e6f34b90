"""Worker memory: RSS of one `quietude worker` process once N procedures are open (each waiting
on its deadline timers), its workflow cache at the size the settings give
(`QUIETUDE_WORKER_CACHED_WORKFLOWS`, `--cache`). Target: ≤ 300 MB at 10,000."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select
from temporalio.client import Client

from bench.latency import bench_read_model, worker_process
from quietude.settings import Settings
from quietude.temporal_client import data_converter
from store.tables import Procedure
from tests.builders import signalement_start
from tests.fixtures import dev_server_env
from workflows.signalement import SignalementWorkflow

CONCURRENCY = 32


def rss_mb(pid: int) -> float:
    """Resident set size of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS introuvable")


async def open_procedures(client: Client, queue: str, count: int) -> None:
    """Start `count` signalements directly on Temporal (no API), `CONCURRENCY` at a time."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(index: int) -> None:
        start = signalement_start(procedure_id=f"signalement-2026-{index:07d}")
        async with gate:
            await client.start_workflow(
                SignalementWorkflow.run, start, id=start.procedure_id, task_queue=queue
            )

    await asyncio.gather(*(one(index) for index in range(1, count + 1)))


async def measure(count: int, cache: int) -> None:
    """Start a worker process, open `count` procedures, wait until projected, read its RSS."""
    async with (
        dev_server_env(dev_server_log_level="error") as env,
        bench_read_model(
            "memory",
            temporal_address=env.client.service_client.config.target_host,
            worker_cached_workflows=cache,
        ) as (settings, engine),
    ):
        client = await Client.connect(
            settings.temporal_address, data_converter=data_converter(settings)
        )
        async with worker_process(settings) as worker:
            await asyncio.sleep(5)
            idle = rss_mb(worker.pid)
            started = time.perf_counter()
            await open_procedures(client, settings.task_queue, count)
            while True:
                with Session(engine) as session:
                    statement = select(func.count()).select_from(Procedure)
                    projected = session.exec(statement).one()
                if projected >= count or worker.poll() is not None:
                    break
                await asyncio.sleep(1)
            elapsed = time.perf_counter() - started
            loaded = rss_mb(worker.pid)
    sys.stdout.write(f"memory_open_procedures: {projected} procedures ({elapsed:.0f} s)\n")
    sys.stdout.write(f"memory_workflow_cache: {cache} workflows\n")
    sys.stdout.write(f"memory_worker_rss_idle: {idle:.0f} MB\n")
    sys.stdout.write(f"memory_worker_rss: {loaded:.0f} MB (objectif ≤ 300 MB à 10 000)\n")
    per = (loaded - idle) * 1024 / max(min(cache, projected), 1)
    sys.stdout.write(f"memory_per_cached_procedure: {per:.0f} kB (au plus {cache} en cache)\n")


def main(argv: list[str] | None = None) -> None:
    """Run the memory benchmark (`--procedures`, default 10,000; `--cache`)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--procedures", type=int, default=10_000)
    parser.add_argument("--cache", type=int, default=Settings().worker_cached_workflows)
    args = parser.parse_args(argv if argv is not None else [])
    asyncio.run(measure(args.procedures, args.cache))


if __name__ == "__main__":
    main(sys.argv[1:])
