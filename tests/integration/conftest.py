"""The real stack in-process (tests/integration/stack.py) on the session's Temporal dev server
(`dev_env`, from tests/conftest.py), the read model on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.fixtures import DATABASE_KINDS
from tests.integration.stack import Stack, serving_stack


@pytest.fixture(params=DATABASE_KINDS)
async def stack(
    request: pytest.FixtureRequest, dev_env: WorkflowEnvironment, tmp_path: Path
) -> AsyncIterator[Stack]:
    async with serving_stack(dev_env, request.param, tmp_path) as served:
        yield served
