"""Fixtures of the API tests: the app over the session's reference read model of each backend
(`reference_db`, from tests/conftest.py), a stand-in procedure service, and tokens of the demo
organisations."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, delete
from sqlmodel import Session, col

from quietude.settings import Settings
from store.tables import (
    Document,
    DurationLedger,
    Event,
    IdCounter,
    Piece,
    Procedure,
    SavedFilter,
    Step,
    StepDurationCount,
    TreveEnd,
)
from tests.api.rows import FakeService
from tests.api.search_rows import project_searched
from tests.fixtures import Tokens, asgi_client, engine_on, make_app, settings_for

PAST_TREVE_YEAR = 2021  # the last end the migration records
PROJECTED_TABLES = (
    Event,
    Step,
    Document,
    Piece,
    Procedure,
    IdCounter,
    DurationLedger,
    StepDurationCount,
    SavedFilter,
)


@pytest.fixture
def engine(reference_db: str) -> Iterator[Engine]:
    """An engine on the reference read model, emptied of procedures after the test."""
    with engine_on(reference_db) as engine:
        yield engine
        with Session(engine) as session:
            for table in PROJECTED_TABLES:
                session.exec(delete(table))  # type: ignore[call-overload]
            # The ends of the trêve a test recorded; the migration's past ones stay.
            session.exec(delete(TreveEnd).where(col(TreveEnd.year) > PAST_TREVE_YEAR))  # type: ignore[call-overload]
            session.commit()


@pytest.fixture
def settings(tmp_path: Path, reference_db: str) -> Settings:
    """Settings with a random secret, their var folder under tmp_path, on the reference db."""
    return settings_for(tmp_path / "var", database_url=reference_db)


@pytest.fixture
def service(engine: Engine) -> FakeService:
    """The stand-in procedure service the app uses."""
    return FakeService(engine)


@pytest.fixture
def app(settings: Settings, engine: Engine, service: FakeService) -> FastAPI:
    """The application wired to the test read model and the stand-in service."""
    application = make_app(settings, engine)
    application.state.services.service = service
    return application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in process."""
    async with asgi_client(app) as http:
        yield http


@pytest.fixture
def auth(settings: Settings) -> Tokens:
    """Mints authorization headers: `auth(org, role)`."""
    return Tokens(settings)


@pytest.fixture
def searched(engine: Engine) -> None:
    """The procedures of the search tests (tests/api/search_rows.py)."""
    project_searched(engine)
