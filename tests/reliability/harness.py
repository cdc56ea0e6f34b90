"""Real processes for the crash tests: a Temporal dev server on a SQLite file, worker
subprocesses (`quietude worker`), a read model, and the checks that nothing was lost or doubled."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select
from temporalio.client import Client

from quietude.devstack import prepare_read_model, temporal_command
from quietude.drift import check_drift
from quietude.procedures import (
    ProcedureService,
    StartRequest,
    StepRefused,
    StepRequest,
    today_in_paris,
)
from quietude.settings import Settings
from quietude.temporal_client import data_converter
from quietude.tokens import Claims
from store.tables import Document, Event, Step
from tests.builders import BAILLEUR, POLICE_EVRY
from tests.fixtures import REPO, binary, free_port

log = logging.getLogger(__name__)

START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
POLL = 0.2
AS_BAILLEUR = Claims(sub="juriste@bailleur", org=BAILLEUR, role="juriste")  # type: ignore[arg-type]
AS_POLICE = Claims(sub="agent@police", org=POLICE_EVRY, role="agent")  # type: ignore[arg-type]
# What every signalement to the forces holds once the forces have answered.
EXPECTED_STEPS = {
    "transmission": ("done", "transmis"),
    "accuse_reception": ("done", "recu"),
    "retour_information": ("done", "intervention_realisee"),
    "cloture": ("pending", None),
}
ACTS = (("accuse_reception", "recu"), ("retour_information", "intervention_realisee"))


def make_settings(var_dir: Path, database_url: str) -> Settings:
    """Settings of one isolated stack: own ports, task queue, key ring and documents."""
    port = free_port()
    return Settings(
        var_dir=var_dir,
        database_url=database_url,
        temporal_address=f"127.0.0.1:{port}",
        temporal_ui_url=f"http://127.0.0.1:{free_port()}",
        task_queue=f"reliability-{uuid.uuid4().hex[:8]}",
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment giving a subprocess the same settings (key ring included)."""
    env = dict(os.environ)
    env.update(
        QUIETUDE_VAR_DIR=str(settings.var_dir),
        QUIETUDE_DATABASE_URL=settings.database_url,
        QUIETUDE_TEMPORAL_ADDRESS=settings.temporal_address,
        QUIETUDE_TASK_QUEUE=settings.task_queue,
        QUIETUDE_KEYS_FILE=str(settings.keys_file),
        QUIETUDE_DOCUMENTS_DIR=str(settings.documents_dir),
        QUIETUDE_OUTBOX_DIR=str(settings.outbox_dir),
        QUIETUDE_WORKER_CACHED_WORKFLOWS=str(settings.worker_cached_workflows),
    )
    return env


class TemporalServer:
    """`temporal server start-dev` on a SQLite file that survives restarts."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = settings.var_dir / "temporal.log"

    async def start(self) -> None:
        """Start the server and wait until it answers."""
        self.launch()
        await self.ready()

    def launch(self) -> None:
        """Start the server process without waiting for it."""
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                temporal_command(self.settings, binary("temporal")), stdout=out, stderr=out
            )

    async def ready(self) -> None:
        """Wait until the server answers its health check."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                client = await Client.connect(self.settings.temporal_address)
                if await client.service_client.check_health():
                    return
            except RuntimeError:
                pass
            await asyncio.sleep(POLL)
        raise RuntimeError("Temporal dev server did not start")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it lingers)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@dataclass
class WorkerProcess:
    """One `quietude worker` subprocess."""

    settings: Settings
    process: subprocess.Popen[bytes] | None = None
    started: list[float] = field(default_factory=list)

    def start(self) -> None:
        """Start a worker with the stack's settings."""
        log_file = (self.settings.var_dir / f"worker-{len(self.started)}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "quietude.cli", "worker"],
            env=settings_env(self.settings),
            cwd=REPO,
            stdout=log_file,
            stderr=log_file,
        )
        log_file.close()
        self.started.append(time.monotonic())

    def signal(self, signum: int) -> None:
        """Send a signal to the worker."""
        assert self.process is not None
        self.process.send_signal(signum)

    def wait(self, timeout: float = STOP_TIMEOUT) -> int:
        """Wait for the worker to exit; its exit code."""
        assert self.process is not None
        code = self.process.wait(timeout)
        self.process = None
        return code

    def kill(self) -> None:
        """SIGKILL: the worker dies at once, whatever it was doing."""
        self.signal(signal.SIGKILL)
        self.wait()

    def stop(self) -> None:
        """Stop the worker if still running (end of a test)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


@dataclass
class Reliability:
    """A whole stack in separate processes, and the in-process client and service."""

    settings: Settings
    server: TemporalServer
    worker: WorkerProcess
    client: Client
    service: ProcedureService

    async def start_signalements(self, count: int) -> list[str]:
        """Start `count` signalements to the police of Évry, concurrently."""
        from domain.procedures.signalement import SignalementFacts
        from tests.builders import signalement_body

        body = SignalementFacts.model_validate(signalement_body())
        started = await asyncio.gather(
            *(
                retrying(lambda: self.service.start(StartRequest(caller=AS_BAILLEUR, facts=body)))
                for _ in range(count)
            )
        )
        return [str(pid) for pid in started]

    async def answer(self, pid: str, after_each: Callable[[], None] = lambda: None) -> None:
        """The police acknowledge then answer; a completion applied before a crash counts."""
        from domain.facts import StepCompletion

        for key, outcome in ACTS:
            completion = StepCompletion(outcome=outcome, date=today_in_paris())

            async def act(key: str = key, completion: StepCompletion = completion) -> None:
                try:
                    await self.service.complete_step(
                        StepRequest(
                            caller=AS_POLICE, procedure_id=pid, key=key, completion=completion
                        )
                    )
                except StepRefused as refused:
                    # Applied on an earlier attempt whose answer was lost in the crash.
                    if refused.kind != "StepNotPending":
                        raise

            await retrying(act)
            after_each()

    async def wait_closing(self, pids: list[str], timeout: float) -> None:
        """Wait until every procedure's `cloture` step is pending in the read model."""
        wanted = {f"{pid}:cloture:1" for pid in pids}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with Session(self.service.engine) as session:
                rows = session.exec(select(Step).where(Step.key == "cloture")).all()
                ready = {s.id for s in rows if s.status == "pending"}
            if wanted <= ready:
                return
            await asyncio.sleep(POLL * 2)
        raise AssertionError(f"{len(wanted - ready)} procédures n'ont pas atteint la clôture")


async def retrying(call: Callable[[], Awaitable[object]], attempts: int = 60) -> object:
    """Call again after any failure but a refusal (the fault being injected is transient)."""
    for attempt in range(attempts):
        try:
            return await call()
        except StepRefused:
            raise
        except Exception as error:  # noqa: BLE001 — any transport failure during the fault
            if attempt == attempts - 1:
                raise
            log.info("retry after %r", error)
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


@dataclass
class Audit:
    """What the read model says of a batch of procedures."""

    missing_steps: int = 0
    duplicated: int = 0
    wrong_steps: list[str] = field(default_factory=list)
    event_gaps: list[str] = field(default_factory=list)
    documents: int = 0
    drifts: int = 0


async def audit(stack: Reliability, pids: list[str]) -> Audit:
    """Check each procedure's steps, events and documents, then compare with the workflows."""
    result = Audit()
    with Session(stack.service.engine) as session:
        for pid in pids:
            steps = session.exec(select(Step).where(Step.procedure_id == pid)).all()
            found = {(s.key, s.seq): (s.status, s.outcome) for s in steps}
            expected = {(k, 1): v for k, v in EXPECTED_STEPS.items()}
            result.missing_steps += len(expected.keys() - found.keys())
            result.duplicated += len(steps) - len(found) + len(found.keys() - expected.keys())
            if found != expected:
                result.wrong_steps.append(f"{pid}: {found}")
            seqs = sorted(
                e.seq for e in session.exec(select(Event).where(Event.procedure_id == pid)).all()
            )
            if seqs != list(range(1, len(seqs) + 1)) or not seqs:
                result.event_gaps.append(f"{pid}: {seqs}")
            docs = session.exec(select(Document).where(Document.procedure_id == pid)).all()
            fiches = [d for d in docs if d.kind == "fiche_signalement" and Path(d.path).is_file()]
            result.documents += len(fiches)
            result.duplicated += max(0, len(docs) - 1)
            folder = stack.settings.documents_dir / pid
            files = [f for f in folder.iterdir() if not f.name.startswith(".")]
            result.duplicated += max(0, len(files) - 1)
    queue = stack.settings.task_queue
    result.drifts = len(await check_drift(stack.client, stack.service.engine, queue))
    return result


async def open_stack(settings: Settings) -> Reliability:
    """Prepare the read model, start Temporal and one worker, connect a client."""
    from store.db import make_engine

    server = TemporalServer(settings)
    server.launch()  # starts while the read model is prepared
    prepare_read_model(settings)
    data_converter(settings)  # creates the key ring before two processes race for it
    await server.ready()
    worker = WorkerProcess(settings)
    worker.start()
    client = await Client.connect(
        settings.temporal_address, data_converter=data_converter(settings)
    )
    engine = make_engine(settings.database_url)
    return Reliability(settings, server, worker, client, ProcedureService(client, engine, settings))


def close_stack(stack: Reliability) -> None:
    """Stop the processes and release the read model."""
    stack.worker.stop()
    stack.server.stop()
    stack.service.engine.dispose()
