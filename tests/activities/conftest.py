"""Fixtures of the document tests: the document activities over a migrated SQLite read model
holding the Essonne reference data (`reference_engine`, from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from activities.documents import DocumentActivities
from tests.fixtures import TEMPLATES_DIR


@pytest.fixture
def documents(reference_engine: Engine, tmp_path: Path) -> DocumentActivities:
    """The document activities on the repository's templates, over the reference read model."""
    return DocumentActivities(reference_engine, TEMPLATES_DIR, tmp_path / "documents")
