"""Throw-away read-model databases for tests, on SQLite or on the machine's PostgreSQL."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
POSTGRES_URL_PREFIX = "postgresql+psycopg://postgres@127.0.0.1:5432/"
DATABASE_KINDS = ("sqlite", "postgresql")


@contextmanager
def fresh_database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """Yield the SQLAlchemy URL of an empty database of `kind`, removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'quietude.db'}"
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
