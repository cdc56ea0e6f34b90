"""A time-skipping test server per test (`time_env`, from tests/conftest.py), the read model
with the reference data, settings and a worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from quietude.settings import Settings
from tests.fixtures import running_worker, settings_for, unique_queue


@pytest.fixture
def read_model(reference_engine: Engine) -> Engine:
    """The migrated SQLite read model holding the Essonne reference data."""
    return reference_engine


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Test settings; reminders after two working days."""
    return settings_for(tmp_path / "var", reminder_working_days=2)


@pytest.fixture
async def worker(
    time_env: WorkflowEnvironment, read_model: Engine, settings: Settings
) -> AsyncIterator[Worker]:
    async with running_worker(time_env.client, settings, read_model, unique_queue("tq")) as w:
        yield w


@pytest.fixture
def client(time_env: WorkflowEnvironment) -> Client:
    return time_env.client
