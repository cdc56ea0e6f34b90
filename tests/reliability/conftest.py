"""A stack in separate processes (Temporal dev server, `quietude worker`) on a SQLite or a
PostgreSQL read model, torn down whatever the test did to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fixtures import fresh_database_url
from tests.reliability.harness import Reliability, close_stack, make_settings, open_stack


@pytest.fixture
async def reliability(tmp_path: Path) -> AsyncIterator[Reliability]:
    settings = make_settings(tmp_path / "var", f"sqlite:///{tmp_path / 'read.db'}")
    stack = await open_stack(settings)
    try:
        yield stack
    finally:
        close_stack(stack)


@pytest.fixture
async def reliability_pg(tmp_path: Path) -> AsyncIterator[Reliability]:
    with fresh_database_url("postgresql", tmp_path) as url:
        stack = await open_stack(make_settings(tmp_path / "var", url))
        try:
            yield stack
        finally:
            close_stack(stack)
