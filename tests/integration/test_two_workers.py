"""Horizontal workers: two worker processes on one task queue share the procedures, and the read
model receives every step and event exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.facts import StepCompletion
from domain.procedures.signalement import SignalementFacts
from quietude.procedures import ProcedureService, StartRequest, StepRequest
from quietude.temporal_client import data_converter
from quietude.tokens import Claims
from store.tables import Event, Procedure, Step
from tests.builders import BAILLEUR, POLICE_EVRY, signalement_body
from tests.fixtures import REPO, settings_for, unique_queue

PROCEDURES = 200
CONCURRENCY = 16
WORKERS = 2
BAILLEUR_CLAIMS = Claims(sub="juriste@bailleur", org=BAILLEUR, role="juriste")
POLICE_CLAIMS = Claims(sub="agent@police", org=POLICE_EVRY, role="agent")


def start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen[bytes]]:
    """Start `count` `quietude worker` processes with the same settings."""
    command = [sys.executable, "-m", "quietude.cli", "worker"]
    return [
        subprocess.Popen(command, env=env, cwd=REPO, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]


def stop_workers(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def wait_for_pollers(client: Client, task_queue: str, count: int) -> set[str]:
    """The identities polling the task queue, once `count` of them are there."""
    from temporalio.api.enums.v1 import TaskQueueType
    from temporalio.api.taskqueue.v1 import TaskQueue
    from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        described = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
        identities = {poller.identity for poller in described.pollers}
        if len(identities) >= count:
            return identities
        await asyncio.sleep(0.5)
    raise AssertionError(f"fewer than {count} workers polling {task_queue}")


async def take_through_two_steps(service: ProcedureService, gate: asyncio.Semaphore) -> str:
    """Start one signalement, acknowledge it and give the information back."""
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    async with gate:
        facts = SignalementFacts.model_validate(signalement_body())
        procedure_id = await service.start(StartRequest(caller=BAILLEUR_CLAIMS, facts=facts))
        for key, outcome in (("accuse_reception", "recu"), ("retour_information", "sans_suite")):
            completion = StepCompletion(outcome=outcome, date=today)
            await service.complete_step(
                StepRequest(
                    caller=POLICE_CLAIMS, procedure_id=procedure_id, key=key, completion=completion
                )
            )
    return procedure_id


async def worker_identities(client: Client, procedure_id: str) -> set[str]:
    """Who completed the workflow tasks and ran the activities of one procedure."""
    history = await client.get_workflow_handle(procedure_id).fetch_history()
    identities = set()
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            identities.add(event.workflow_task_completed_event_attributes.identity)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            identities.add(event.activity_task_started_event_attributes.identity)
    return identities


def check_read_model(engine: Engine, ids: list[str]) -> None:
    """Each procedure where it should be; each step and each event recorded once."""
    with Session(engine) as session:
        procedures = session.exec(select(Procedure).where(Procedure.id.in_(ids))).all()  # type: ignore[attr-defined]
        assert len(procedures) == len(ids)
        steps = session.exec(select(Step).where(Step.procedure_id.in_(ids))).all()  # type: ignore[attr-defined]
        events = session.exec(select(Event).where(Event.procedure_id.in_(ids))).all()  # type: ignore[attr-defined]
    by_procedure: dict[str, dict[str, str]] = {procedure_id: {} for procedure_id in ids}
    for step in steps:
        assert step.key not in by_procedure[step.procedure_id], step.id
        by_procedure[step.procedure_id][step.key] = step.status
    for procedure_id, states in by_procedure.items():
        assert states == {
            "transmission": "done",
            "accuse_reception": "done",
            "retour_information": "done",
            "cloture": "pending",
        }, procedure_id
    seqs: dict[str, list[int]] = {procedure_id: [] for procedure_id in ids}
    completions: Counter[tuple[str, str | None]] = Counter()
    for event in events:
        seqs[event.procedure_id].append(event.seq)
        if event.type == "step_completed":
            completions[(event.procedure_id, event.step_key)] += 1
    for procedure_id, numbers in seqs.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), procedure_id
    for procedure_id in ids:
        assert completions[(procedure_id, "accuse_reception")] == 1, procedure_id
        assert completions[(procedure_id, "retour_information")] == 1, procedure_id
    assert set(completions.values()) == {1}


async def test_two_workers_share_the_procedures_and_project_each_once(
    dev_env: WorkflowEnvironment, postgres_read_model: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = postgres_read_model
    settings = settings_for(
        tmp_path / "var", database_url=url, task_queue=unique_queue("two-workers")
    )
    # Created here, before the workers start: every process must use this one key ring.
    converter = data_converter(settings)
    address = dev_env.client.service_client.config.target_host
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("QUIETUDE_")},
        "QUIETUDE_VAR_DIR": str(settings.var_dir),
        "QUIETUDE_DATABASE_URL": url,
        "QUIETUDE_TEMPORAL_ADDRESS": address,
        "QUIETUDE_TEMPORAL_NAMESPACE": dev_env.client.namespace,
        "QUIETUDE_TASK_QUEUE": settings.task_queue,
    }
    client = await Client.connect(
        address, namespace=dev_env.client.namespace, data_converter=converter
    )
    workers = start_workers(env, WORKERS)
    try:
        pollers = await wait_for_pollers(client, settings.task_queue, WORKERS)
        service = ProcedureService(client, engine, settings)
        gate = asyncio.Semaphore(CONCURRENCY)
        ids = await asyncio.gather(
            *(take_through_two_steps(service, gate) for _ in range(PROCEDURES))
        )
        assert all(process.poll() is None for process in workers)
        per_procedure = await asyncio.gather(*(worker_identities(client, i) for i in ids))
    finally:
        stop_workers(workers)
    assert len(set(ids)) == PROCEDURES
    seen = set().union(*per_procedure)
    assert seen == pollers, "work done by a process that is not one of the two workers"
    pids = {str(process.pid) for process in workers}
    assert {identity.split("@", 1)[0] for identity in seen} == pids
    check_read_model(engine, ids)
