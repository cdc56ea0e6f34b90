"""The real stack in-process, as the integration tests (tests/integration/conftest.py) and the
bulk import bench reach it: a worker with the real activities on a Temporal dev server, the API
over HTTP (httpx + ASGI), a read model with the reference data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from quietude.settings import Settings
from quietude.temporal_client import data_converter
from tests.fixtures import (
    Tokens,
    asgi_client,
    connector_to,
    make_app,
    read_model,
    running_worker,
    settings_for,
    unique_queue,
)


@dataclass
class Stack:
    """The API over HTTP, its read model, settings and Temporal client, and `token(org, role)`
    minting bearer headers (role: juriste unless given)."""

    http: httpx.AsyncClient
    engine: Engine
    settings: Settings
    client: Client
    token: Callable[..., dict[str, str]]


@asynccontextmanager
async def serving_stack(
    dev_env: WorkflowEnvironment, kind: str, folder: Path
) -> AsyncIterator[Stack]:
    """The stack on the dev server of `dev_env`, its read model a fresh database of `kind`,
    its var folder and task queue its own."""
    with read_model(kind, folder) as (url, engine):
        settings = settings_for(folder / "var", database_url=url, task_queue=unique_queue())
        # As in production: every payload encrypted with the key ring of these settings, so
        # that a CLI run in a subprocess with the same settings talks to the same worker.
        client = await Client.connect(
            dev_env.client.service_client.config.target_host,
            namespace=dev_env.client.namespace,
            data_converter=data_converter(settings),
        )
        app = make_app(settings, engine, connector_to(client))
        async with (
            running_worker(client, settings, engine),
            asgi_client(app, "http://test") as http,
        ):
            yield Stack(http, engine, settings, client, Tokens(settings, role="juriste"))
