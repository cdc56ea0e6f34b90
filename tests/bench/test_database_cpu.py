"""The sampler of the PostgreSQL backends' CPU: a backend ending inside the block still counts."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg

from bench.database_cpu import DatabaseCpu
from tests.fixtures import engine_on, fresh_database_url

# About a second of a backend's CPU, whatever the machine's speed within reason.
BUSY_QUERY = "SELECT count(*) FROM generate_series(1, 20000000)"


def wait_until_ended(pid: int) -> None:
    """Return once process `pid` is gone (a backend ends a moment after its client leaves)."""
    for _ in range(1000):
        if not Path(f"/proc/{pid}").exists():
            return
        time.sleep(0.01)
    raise AssertionError(f"backend {pid} still running")


def test_cpu_of_a_backend_closed_inside_the_block_is_counted(tmp_path: Path) -> None:
    with fresh_database_url("postgresql", tmp_path) as url, engine_on(url) as engine:
        libpq_url = url.replace("postgresql+psycopg", "postgresql")
        with DatabaseCpu(engine) as database:
            with psycopg.connect(libpq_url) as connection:
                backend = connection.info.backend_pid
                connection.execute(BUSY_QUERY)
            wait_until_ended(backend)
        assert database.seconds >= 0.2
        assert 0 < database.sampler_seconds < database.seconds
