"""Fixtures of the document tests: a migrated SQLite read model with the Essonne reference data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocumentObject
from sqlalchemy import Engine
from sqlmodel import Session

from activities.documents import DocumentActivities
from store.db import make_engine, migrate
from store.reference import load_reference_data

REPOSITORY = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = REPOSITORY / "templates" / "docx"
DATA_DIR = REPOSITORY / "data" / "essonne"


@pytest.fixture
def reference_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite read model holding the organisations and communes of the Essonne."""
    url = f"sqlite:///{tmp_path / 'reference.db'}"
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference_data(session, DATA_DIR)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def documents(reference_engine: Engine, tmp_path: Path) -> DocumentActivities:
    """The document activities on the repository's templates, over the reference read model."""
    return DocumentActivities(reference_engine, TEMPLATES_DIR, tmp_path / "documents")


def text_of(document: DocumentObject) -> str:
    """The text of the paragraphs and of every table row (cells joined by " | "), one per line."""
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(lines)


def table_rows(document: DocumentObject, *headers: str) -> list[list[str]]:
    """The rows of the first table whose header row starts with `headers`."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and tuple(rows[0][: len(headers)]) == headers:
            return rows
    raise AssertionError(f"aucun tableau ne commence par {headers}")


def open_docx(path: Path) -> DocumentObject:
    """The .docx at `path`."""
    return docx.Document(str(path))
