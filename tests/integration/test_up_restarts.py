"""`quietude up` with its real workers and API on its embedded Temporal and SQLite read model:
a worker killed (SIGKILL) is started again, and procedures move on through the API."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import Session, select

from quietude.devstack import DevStack, port_in_use
from quietude.settings import Settings
from quietude.temporal_client import connect
from store.db import make_engine
from store.tables import Step
from tests.builders import BAILLEUR, POLICE_EVRY, signalement_body
from tests.devstack_runs import run_beside, wait_until
from tests.fixtures import bearer, free_port

WORKERS = 2


async def polling_workers(settings: Settings) -> set[str]:
    """The process ids of the workers polling the task queue for workflow tasks."""
    from temporalio.api.enums.v1 import TaskQueueType
    from temporalio.api.taskqueue.v1 import TaskQueue
    from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

    client = await connect(settings)
    described = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=settings.temporal_namespace,
            task_queue=TaskQueue(name=settings.task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    host = socket.gethostname()
    return {p.identity.split("@")[0] for p in described.pollers if p.identity.endswith(host)}


def worker_pids(stack: DevStack) -> list[int]:
    return [child.process.pid for child in stack.children[:WORKERS] if child.process is not None]


def start_and_acknowledge(settings: Settings) -> str:
    """Start a signalement as its bailleur, acknowledge it as the police; the procedure id."""
    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    base = f"http://{settings.api_host}:{settings.api_port}"
    with httpx.Client(base_url=base, timeout=60) as http:
        created = http.post(
            "/api/procedures",
            json=signalement_body(),
            headers=bearer(settings, BAILLEUR, "juriste"),
        )
        assert created.status_code == 201, created.text
        procedure_id = str(created.json()["id"])
        done = http.post(
            f"/api/procedures/{procedure_id}/steps/accuse_reception",
            json={"outcome": "recu", "date": today},
            headers=bearer(settings, POLICE_EVRY),
        )
        assert done.status_code == 200, done.text
    return procedure_id


@pytest.fixture
def up_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of a `quietude up` on free ports, read by its children from the environment."""
    temporal_port, ui_port, api_port = free_port(), free_port(), free_port()
    for name, value in {
        "QUIETUDE_VAR_DIR": str(tmp_path / "var"),
        "QUIETUDE_TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
        "QUIETUDE_TEMPORAL_UI_URL": f"http://127.0.0.1:{ui_port}",
        "QUIETUDE_API_PORT": str(api_port),
        "QUIETUDE_WORKERS": str(WORKERS),
    }.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_a_killed_worker_is_replaced_and_steps_still_complete(up_settings: Settings) -> None:
    stack = DevStack(up_settings)
    moved_on: list[str] = []

    def scenario(stack: DevStack) -> None:
        wait_until(lambda: port_in_use("127.0.0.1", up_settings.api_port), "the API listening")
        first = worker_pids(stack)
        wait_until(
            lambda: asyncio.run(polling_workers(up_settings)) >= {str(pid) for pid in first},
            "both workers polling",
        )
        os.kill(first[1], signal.SIGKILL)
        wait_until(lambda: worker_pids(stack)[1] != first[1], "the killed worker started again")
        replacement = str(worker_pids(stack)[1])
        wait_until(
            lambda: replacement in asyncio.run(polling_workers(up_settings)),
            "the new worker polling",
        )
        moved_on.append(start_and_acknowledge(up_settings))

    assert run_beside(stack, scenario) == 0

    (procedure_id,) = moved_on
    engine = make_engine(up_settings.database_url)
    try:
        with Session(engine) as session:
            steps = session.exec(select(Step).where(Step.procedure_id == procedure_id)).all()
    finally:
        engine.dispose()
    assert {step.key: step.status for step in steps} == {
        "transmission": "done",
        "accuse_reception": "done",
        "retour_information": "pending",
    }
