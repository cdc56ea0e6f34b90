"""Fixtures of the read-model tests: each test gets a fresh SQLite and PostgreSQL database
(`db_url`, from tests/conftest.py)."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.fixtures import load_reference, migrated


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the latest schema, without reference data."""
    with migrated(db_url, reference=False) as engine:
        yield engine


@pytest.fixture
def reference(engine: Engine) -> Engine:
    """The migrated database with the Essonne reference data loaded."""
    load_reference(engine)
    return engine
