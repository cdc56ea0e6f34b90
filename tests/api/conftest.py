"""Fixtures of the API tests: the app over a migrated read model with reference data loaded,
a stand-in procedure service, and tokens of the demo organisations."""

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, delete
from sqlmodel import Session

from api.deps import ServiceProvider
from api.main import create_app
from quietude.settings import Settings
from quietude.tokens import mint_token
from store.db import make_engine, migrate
from store.reference import load_reference_data
from store.tables import (
    Document,
    DurationLedger,
    Event,
    IdCounter,
    Procedure,
    Step,
    StepDurationCount,
)
from tests.api.rows import FakeService, refuse_to_connect
from tests.dbs import DATABASE_KINDS, fresh_database_url

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "essonne"
PROJECTED_TABLES = (
    Event,
    Step,
    Document,
    Procedure,
    IdCounter,
    DurationLedger,
    StepDurationCount,
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide any QUIETUDE_* variable of the machine from the tests."""
    for name in list(os.environ):
        if name.startswith("QUIETUDE_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session", params=DATABASE_KINDS)
def reference_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A read model per backend, migrated and with the Essonne reference data, for the session."""
    with fresh_database_url(request.param, tmp_path_factory.mktemp(request.param)) as url:
        migrate(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session, DATA_DIR)
            session.commit()
        engine.dispose()
        yield url


@pytest.fixture
def engine(reference_db: str) -> Iterator[Engine]:
    """An engine on the reference read model, emptied of procedures after the test."""
    engine = make_engine(reference_db)
    yield engine
    with Session(engine) as session:
        for table in PROJECTED_TABLES:
            session.exec(delete(table))  # type: ignore[call-overload]
        session.commit()
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, reference_db: str) -> Settings:
    """Settings with a random secret, their var folder under tmp_path."""
    return Settings(
        var_dir=tmp_path / "var", jwt_secret=secrets.token_urlsafe(48), database_url=reference_db
    )


@pytest.fixture
def service(engine: Engine) -> FakeService:
    """The stand-in procedure service the app uses."""
    return FakeService(engine)


@pytest.fixture
def app(settings: Settings, engine: Engine, service: FakeService) -> FastAPI:
    """The application wired to the test read model and the stand-in service."""
    application = create_app()
    provider = ServiceProvider(settings, engine, connector=refuse_to_connect)
    provider.service = service
    application.state.settings = settings
    application.state.engine = engine
    application.state.services = provider
    return application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://quietude.test") as http:
        yield http


class Tokens:
    """Authorization headers for users of any organisation."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, org: str, role: str = "agent", sub: str | None = None) -> dict[str, str]:
        """Headers carrying a fresh token of `org` with `role`."""
        token = mint_token(self.settings, org, role, sub or f"{role}@{org}")
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth(settings: Settings) -> Tokens:
    """Mints authorization headers: `auth(org, role)`."""
    return Tokens(settings)
