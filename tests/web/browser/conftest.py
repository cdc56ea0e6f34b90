"""The real stack served over HTTP for a real browser: Temporal dev server, a worker with the
real activities, the read model on SQLite, the app under uvicorn on a free local port, and
Debian's Chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import secrets
import socket
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, async_playwright
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.deps import ServiceProvider
from api.main import create_app
from quietude.settings import REPO_ROOT, Settings
from quietude.tokens import mint_token
from quietude.worker import build_worker
from store.db import make_engine, migrate
from store.reference import load_reference_data

# The Temporal dev server of the integration tests (one per test directory and session).
from tests.integration.conftest import DATA_DIR, dev_env  # noqa: F401

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
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"


@dataclass
class LiveStack:
    """The app served at `base_url`, with what the tests need to prepare data."""

    base_url: str
    settings: Settings
    engine: Engine

    def bearer(self, org: str, role: str = "juriste") -> dict[str, str]:
        """API headers of a person of `org`."""
        token = mint_token(self.settings, org, role, f"{role}@{org}")
        return {"Authorization": f"Bearer {token}"}


def free_port() -> int:
    """A TCP port nothing listens on, on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
async def live(
    dev_env: WorkflowEnvironment,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[LiveStack]:
    """The whole stack, the app under uvicorn on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("pages")
    url = f"sqlite:///{folder / 'quietude.db'}"
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference_data(session, DATA_DIR)
        session.commit()
    settings = Settings(
        var_dir=folder / "var",
        database_url=url,
        jwt_secret=secrets.token_urlsafe(48),
        task_queue=f"quietude-{uuid.uuid4()}",
    )

    async def connector(_: Settings) -> Client:
        return dev_env.client

    app = create_app()
    app.state.settings = settings
    app.state.engine = engine
    app.state.services = ServiceProvider(settings, engine, connector=connector)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    with ThreadPoolExecutor(max_workers=16) as executor:
        async with build_worker(dev_env.client, settings, engine, executor):
            serving = asyncio.create_task(server.serve())
            while not server.started:
                if serving.done():
                    serving.result()
                await asyncio.sleep(0.05)
            try:
                yield LiveStack(f"http://127.0.0.1:{port}", settings, engine)
            finally:
                server.should_exit = True
                await serving
    engine.dispose()


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
