"""Step completion latency through the API (auth + validation + update + projection), p50/p95
over sequential completions, beside a raw Temporal baseline on the same dev server: a minimal
workflow whose update runs one activity. Targets: ratio of p95s ≤ 1.25× on an idle machine,
≤ 1.6× with a second process loading one core (`--load-one-core` starts such a process, a busy
loop, for the measurement).

Also the shared pieces of `bench.throughput`: the embedded stack and the raw baseline."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import Engine
from temporalio import activity, workflow
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from bench.process_cpu import child_running
from quietude.settings import Settings
from quietude.temporal_client import data_converter
from tests.builders import BAILLEUR, POLICE_EVRY, signalement_body
from tests.fixtures import (
    REPO,
    asgi_client,
    bearer,
    binary,
    connector_to,
    dev_server_env,
    make_app,
    migrated,
    read_model,
    running_worker,
    settings_for,
    unique_queue,
)
from tests.reliability.harness import settings_env

# The three completions of a signalement sent to the police: (step, outcome, actor's org).
SIGNALEMENT_STEPS = (
    ("accuse_reception", "recu", POLICE_EVRY),
    ("retour_information", "sans_suite", POLICE_EVRY),
    ("cloture", "close", BAILLEUR),
)
RAW_SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("bench")
)


@activity.defn
async def raw_step(number: int) -> int:
    """The baseline's one activity per update."""
    return number + 1


@workflow.defn
class RawWorkflow:
    """A minimal workflow: each update runs one activity; done after `steps` updates."""

    def __init__(self) -> None:
        self.done = 0

    @workflow.run
    async def run(self, steps: int) -> int:
        await workflow.wait_condition(lambda: self.done >= steps)
        return self.done

    @workflow.update
    async def act(self, number: int) -> int:
        result = await workflow.execute_activity(
            raw_step, number, start_to_close_timeout=timedelta(seconds=30)
        )
        self.done += 1
        return result


@dataclass
class Stack:
    """The embedded stack: the API over ASGI, the worker in-process, a raw baseline worker."""

    http: httpx.AsyncClient
    settings: Settings
    engine: Engine
    raw_client: Client
    raw_queue: str
    worker_pid: int
    temporal_pid: int

    def headers(self, org: str, role: str = "agent") -> dict[str, str]:
        """A bearer token of `org`."""
        return bearer(self.settings, org, role)


@asynccontextmanager
async def bench_read_model(
    prefix: str, database_url: str | None = None, **overrides: object
) -> AsyncIterator[tuple[Settings, Engine]]:
    """A PostgreSQL read model with the reference data, and settings on it (a var folder and a
    task queue of their own, then `overrides`), removed afterwards; or the one at
    `database_url`, migrated and kept."""
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        if database_url is None:
            url, engine = stack.enter_context(read_model("postgresql", Path(folder)))
        else:
            url, engine = database_url, stack.enter_context(migrated(database_url))
        settings = settings_for(
            Path(folder) / "var", database_url=url, task_queue=unique_queue(prefix), **overrides
        )
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        yield settings, engine


@asynccontextmanager
async def worker_process(settings: Settings) -> AsyncIterator[subprocess.Popen[bytes]]:
    """`quietude worker` in a process of its own, as `quietude up` and production run it."""
    log = (settings.var_dir / "worker.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "quietude.cli", "worker"],
        env=settings_env(settings),
        cwd=REPO,
        stdout=log,
        stderr=log,
    )
    log.close()
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@asynccontextmanager
async def embedded_stack(
    in_process: bool = False, database_url: str | None = None
) -> AsyncIterator[Stack]:
    """Dev server, PostgreSQL read model (a new one, or the one at `database_url`), the worker
    (its own process, as `quietude up` runs it, unless `in_process`) and the API; the raw
    baseline's worker on the same server."""
    async with (
        dev_server_env(dev_server_log_level="error") as env,
        bench_read_model(
            "bench", database_url, temporal_address=env.client.service_client.config.target_host
        ) as (settings, engine),
    ):
        client = await Client.connect(
            settings.temporal_address, data_converter=data_converter(settings)
        )
        app = make_app(settings, engine, connector_to(client))
        raw_queue = unique_queue("raw")
        raw_worker = Worker(
            env.client,
            task_queue=raw_queue,
            workflows=[RawWorkflow],
            activities=[raw_step],
            workflow_runner=RAW_SANDBOX,
        )
        worker = (
            running_worker(client, settings, engine) if in_process else worker_process(settings)
        )
        async with (
            worker as running,
            raw_worker,
            asgi_client(app, "http://bench", timeout=60) as http,
        ):
            worker_pid = running.pid if isinstance(running, subprocess.Popen) else os.getpid()
            yield Stack(
                http,
                settings,
                engine,
                env.client,
                raw_queue,
                worker_pid=worker_pid,
                temporal_pid=child_running(Path(binary("temporal")).name),
            )


def today() -> str:
    """The legal date of today (Europe/Paris)."""
    return datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()


async def start_signalement(stack: Stack) -> str:
    """Start a signalement through the API; its id."""
    response = await stack.http.post(
        "/api/procedures", json=signalement_body(), headers=stack.headers(BAILLEUR, "juriste")
    )
    response.raise_for_status()
    return str(response.json()["id"])


async def complete(stack: Stack, procedure_id: str, key: str, outcome: str, org: str) -> None:
    """Complete one step through the API."""
    response = await stack.http.post(
        f"/api/procedures/{procedure_id}/steps/{key}",
        json={"outcome": outcome, "date": today()},
        headers=stack.headers(org),
    )
    if response.status_code != 200:
        raise RuntimeError(f"{key}: {response.status_code} {response.text}")


async def start_raw(stack: Stack, steps: int) -> WorkflowHandle:
    """Start a raw baseline workflow expecting `steps` updates."""
    return await stack.raw_client.start_workflow(
        RawWorkflow.run, steps, id=f"raw-{uuid.uuid4()}", task_queue=stack.raw_queue
    )


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile of `values` (inclusive method)."""
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


IDLE_TARGET = "objectif ≤ 1.25 x au repos"
LOADED_TARGET = "objectif ≤ 1.6 x avec un second processus chargeant un cœur"


def report(name: str, quietude: list[float], raw: list[float], target: str = IDLE_TARGET) -> None:
    """Print p50/p95 in ms of both paths and the ratio of p95s beside its `target`."""
    for label, values in (("quietude", quietude), ("raw_temporal", raw)):
        for fraction in (0.5, 0.95):
            ms = percentile(values, fraction) * 1000
            sys.stdout.write(f"{name}_{label}_p{round(fraction * 100)}: {ms:.1f} ms\n")
    ratio = percentile(quietude, 0.95) / percentile(raw, 0.95)
    sys.stdout.write(f"{name}_p95_ratio: {ratio:.2f} x ({target})\n")


@contextmanager
def one_core_loaded(load: bool) -> Iterator[None]:
    """A busy-looping process for the duration of the block, if `load`."""
    if not load:
        yield
        return
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        busy.kill()
        busy.wait()


async def measure(completions: int, load_one_core: bool = False) -> None:
    """Time `completions` sequential completions on each path, after a warm-up (beside a process
    loading one core if `load_one_core`)."""
    procedures = -(-completions // len(SIGNALEMENT_STEPS))
    async with embedded_stack() as stack:
        ids = [await start_signalement(stack) for _ in range(procedures + 3)]
        raws = [await start_raw(stack, len(SIGNALEMENT_STEPS)) for _ in range(procedures + 3)]
        quietude: list[float] = []
        raw: list[float] = []
        with one_core_loaded(load_one_core):
            for index, (procedure_id, handle) in enumerate(zip(ids, raws, strict=True)):
                for number, (key, outcome, org) in enumerate(SIGNALEMENT_STEPS):
                    started = time.perf_counter()
                    await complete(stack, procedure_id, key, outcome, org)
                    middle = time.perf_counter()
                    await handle.execute_update(RawWorkflow.act, number)
                    ended = time.perf_counter()
                    if index >= 3:  # the first ones warm the caches up
                        quietude.append(middle - started)
                        raw.append(ended - middle)
        name, target = ("step_latency", IDLE_TARGET)
        if load_one_core:
            name, target = ("step_latency_loaded", LOADED_TARGET)
        sys.stdout.write(f"{name}_completions: {len(quietude)} steps\n")
        report(name, quietude[:completions], raw[:completions], target)


def main(argv: list[str] | None = None) -> None:
    """Run the latency benchmark (`--completions`, default 300; `--load-one-core`)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--completions", type=int, default=300)
    parser.add_argument("--load-one-core", action="store_true")
    args = parser.parse_args(argv if argv is not None else [])
    asyncio.run(measure(args.completions, args.load_one_core))


if __name__ == "__main__":
    # Through the module's own name: the workflow sandbox passes `bench` through, not __main__.
    from bench import latency

    latency.main(sys.argv[1:])
