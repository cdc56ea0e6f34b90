"""The real stack served over HTTP for a real browser: Temporal dev server, a worker with the
real activities, the read model on SQLite, the app under uvicorn on a free local port, and
Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright
from temporalio.testing import WorkflowEnvironment

from tests.api.web.browser.live import SCREENSHOTS, LiveStack
from tests.fixtures import (
    connector_to,
    dev_server_env,
    make_app,
    migrated,
    running_worker,
    serving,
    settings_for,
    sqlite_url,
    unique_queue,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """A Temporal dev server of the browser tests' own: the workflows the integration tests
    leave on theirs do not slow the pages down."""
    async with dev_server_env() as env:
        yield env


@pytest.fixture(scope="module")
async def live(
    dev_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveStack]:
    """The whole stack, the app under uvicorn on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("pages")
    url = sqlite_url(folder)
    with migrated(url) as engine:
        settings = settings_for(folder / "var", database_url=url, task_queue=unique_queue())
        app = make_app(settings, engine, connector_to(dev_env.client))
        async with running_worker(dev_env.client, settings, engine), serving(app) as base_url:
            yield LiveStack(base_url, settings, engine)


@pytest.fixture(scope="module")
async def chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless (Playwright never downloads a browser here)."""
    assert CHROMIUM.exists(), "Chromium absent : `apt-get install chromium` (fait par .ci/run)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()
