"""The fixtures every test folder shares, made from the functions of tests/fixtures.py."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from quietude.settings import Settings
from tests.fixtures import (
    DATA_DIR,
    DATABASE_KINDS,
    dev_server_env,
    fresh_database_url,
    migrated,
    read_model,
    settings_for,
    sqlite_url,
    time_skipping_env,
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide any QUIETUDE_* variable of the machine from the tests."""
    for name in list(os.environ):
        if name.startswith("QUIETUDE_"):
            monkeypatch.delenv(name)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a random token secret, their var folder under tmp_path."""
    return settings_for(tmp_path / "var")


@pytest.fixture
def data_dir() -> Path:
    """The Essonne reference data shipped with the repository."""
    return DATA_DIR


@pytest.fixture(params=DATABASE_KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database, on SQLite then on PostgreSQL."""
    with fresh_database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def reference_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite read model holding the Essonne reference data."""
    with migrated(sqlite_url(tmp_path, "reference.db")) as engine:
        yield engine


@pytest.fixture
def postgres_read_model(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A migrated PostgreSQL read model holding the Essonne reference data: its URL, an engine."""
    with read_model("postgresql", tmp_path) as url_and_engine:
        yield url_and_engine


@pytest.fixture(scope="session", params=DATABASE_KINDS)
def reference_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A read model per backend, migrated and with the Essonne reference data, for the session."""
    with read_model(request.param, tmp_path_factory.mktemp(request.param)) as (url, _):
        yield url


@pytest.fixture
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping test server per test."""
    async with time_skipping_env() as env:
        yield env


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """One Temporal dev server for the session (each test uses task queues of its own)."""
    async with dev_server_env() as env:
        yield env
