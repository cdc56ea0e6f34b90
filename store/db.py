"""Engine, sessions, migrations and procedure numbering of the read model."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from store.tables import IdCounter

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the API read while a worker writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLite or PostgreSQL read model."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str) -> Config:
    """The alembic configuration of the packaged migrations, pointed at `url`."""
    config = Config(str(ALEMBIC_INI))
    # The ini parser interpolates "%", which may appear in URL-encoded passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the database at `url` to the latest schema."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def next_procedure_id(session: Session, kind: str, year: int) -> str:
    """Take the next number of `kind` for `year` and return the procedure id."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise ValueError(f"procedure numbering is not supported on {dialect!r}")
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # One upsert statement: atomic under concurrency (row lock on PostgreSQL, write lock on
    # SQLite), including the first number of a year, where no row exists to lock yet.
    statement = (
        insert(IdCounter)
        .values(kind=kind, year=year, value=1)
        .on_conflict_do_update(
            index_elements=["kind", "year"],
            set_={"value": col(IdCounter.value) + 1},
        )
        .returning(col(IdCounter.value))
    )
    value = session.exec(statement).scalar_one()
    return f"{kind}-{year}-{value:06d}"
