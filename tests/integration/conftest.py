"""The real stack in-process: Temporal dev server, worker with the real activities, the API over
HTTP (httpx + ASGI), the read model on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.deps import ServiceProvider
from api.main import create_app
from quietude.settings import Settings
from quietude.temporal_client import data_converter
from quietude.tokens import mint_token
from quietude.worker import build_worker
from store.db import make_engine, migrate
from store.reference import load_reference_data
from tests.dbs import DATABASE_KINDS, fresh_database_url
from tests.servers import binary
from workflows import search_attributes

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "essonne"


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter,
        dev_server_existing_path=binary("temporal"),
        search_attributes=search_attributes.ALL,
    )
    yield env
    await env.shutdown()


@dataclass
class Stack:
    http: httpx.AsyncClient
    engine: Engine
    settings: Settings
    client: Client
    token: Callable[..., dict[str, str]]


@pytest.fixture(params=DATABASE_KINDS)
async def stack(
    request: pytest.FixtureRequest, dev_env: WorkflowEnvironment, tmp_path: Path
) -> AsyncIterator[Stack]:
    with fresh_database_url(request.param, tmp_path) as url:
        migrate(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session, DATA_DIR)
            session.commit()
        settings = Settings(
            var_dir=tmp_path / "var",
            database_url=url,
            jwt_secret=secrets.token_urlsafe(48),
            task_queue=f"quietude-{uuid.uuid4()}",
        )

        # As in production: every payload encrypted with the key ring of these settings, so
        # that a CLI run in a subprocess with the same settings talks to the same worker.
        client = await Client.connect(
            dev_env.client.service_client.config.target_host,
            namespace=dev_env.client.namespace,
            data_converter=data_converter(settings),
        )

        async def connector(_: Settings) -> Client:
            return client

        app = create_app()
        app.state.settings = settings
        app.state.engine = engine
        app.state.services = ServiceProvider(settings, engine, connector=connector)

        def token(org: str, role: str = "juriste") -> dict[str, str]:
            return {"Authorization": f"Bearer {mint_token(settings, org, role, f'{role}@{org}')}"}

        with ThreadPoolExecutor(max_workers=16) as executor:
            async with build_worker(client, settings, engine, executor):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                    yield Stack(http, engine, settings, client, token)
        engine.dispose()
