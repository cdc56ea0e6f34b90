"""Reading the .docx documents the app produces: their text and their tables."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.document import Document as DocumentObject


def open_docx(path: Path) -> DocumentObject:
    """The .docx at `path`."""
    return docx.Document(str(path))


def text_of(document: DocumentObject) -> str:
    """The text of the paragraphs and of every table row (cells joined by " | "), one per line."""
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(lines)


def find_table(document: DocumentObject, *headers: str) -> list[list[str]] | None:
    """The rows of the first table whose header row starts with `headers`, or None."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and tuple(rows[0][: len(headers)]) == headers:
            return rows
    return None


def table_rows(document: DocumentObject, *headers: str) -> list[list[str]]:
    """The rows of the first table whose header row starts with `headers`."""
    rows = find_table(document, *headers)
    if rows is None:
        raise AssertionError(f"aucun tableau ne commence par {headers}")
    return rows
