"""Fixtures of the read-model tests: each test gets a fresh SQLite and PostgreSQL database."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from store.db import make_engine, migrate
from tests.dbs import DATABASE_KINDS, fresh_database_url

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "essonne"


@pytest.fixture(params=DATABASE_KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database, on each backend in turn."""
    with fresh_database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the latest schema."""
    migrate(db_url)
    migrated = make_engine(db_url)
    yield migrated
    migrated.dispose()


@pytest.fixture
def data_dir() -> Path:
    """The Essonne reference data shipped with the repository."""
    return DATA_DIR
