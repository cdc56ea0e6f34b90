"""A time-skipping test server per test (its clock only moves forward), read model, worker."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from quietude.settings import Settings
from quietude.temporal_client import register_search_attributes
from quietude.worker import build_worker
from store.db import make_engine, migrate, session_scope
from store.reference import load_reference_data
from tests.servers import binary

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=binary("temporal-test-server"),
    )
    await register_search_attributes(env.client, "default")
    yield env
    await env.shutdown()


@pytest.fixture
def read_model(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'read.db'}"
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        load_reference_data(session, REPO / "data" / "essonne")
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", reminder_working_days=2)


@pytest.fixture
async def worker(
    time_env: WorkflowEnvironment, read_model: Engine, settings: Settings
) -> AsyncIterator[Worker]:
    with ThreadPoolExecutor(max_workers=16) as executor:
        w = build_worker(
            time_env.client, settings, read_model, executor, task_queue=f"tq-{uuid.uuid4()}"
        )
        async with w:
            yield w


@pytest.fixture
def client(time_env: WorkflowEnvironment) -> Client:
    return time_env.client
