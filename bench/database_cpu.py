"""CPU spent by the PostgreSQL backends of one database, sampled in a thread: a pool closes and
opens connections under load, and a backend's counters vanish with it."""

from __future__ import annotations

import threading
import time
from types import TracebackType

from sqlalchemy import Engine, text

from bench.process_cpu import PROC, own_cpu_seconds, spent_since

# Often enough that a backend ending between two readings loses little of its CPU.
SAMPLE_SECONDS = 0.05


def postmaster_pid(engine: Engine) -> int:
    """The pid of the PostgreSQL server behind `engine`: the parent of its backends."""
    with engine.connect() as connection:
        backend = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
    stat = (PROC / str(backend) / "stat").read_text()
    return int(stat.rpartition(")")[2].split()[1])


class DatabaseCpu:
    """CPU seconds of the backends serving `engine`'s database while the block runs (a backend
    started in the block counts whole, one ended in it counts up to its last reading)."""

    def __init__(self, engine: Engine) -> None:
        self.postmaster = postmaster_pid(engine)
        self.database = str(engine.url.database).encode()
        self.ours: dict[int, bool] = {}
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.stopped = threading.Event()
        self.sampler_seconds = 0.0  # the sampling thread's own CPU, for the caller to set apart
        self.thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    def backends(self) -> list[int]:
        """The running backends of the database (its name is in each backend's title)."""
        children_file = PROC / str(self.postmaster) / "task" / str(self.postmaster) / "children"
        found = []
        for pid in map(int, children_file.read_text().split()):
            if pid not in self.ours:
                try:
                    title = (PROC / str(pid) / "cmdline").read_bytes()
                except OSError:
                    continue
                self.ours[pid] = b" " + self.database + b" " in title
            if self.ours[pid]:
                found.append(pid)
        return found

    def _sample(self) -> None:
        self.last.update(own_cpu_seconds(self.backends()))

    def _sample_until_stopped(self) -> None:
        while not self.stopped.wait(SAMPLE_SECONDS):
            self._sample()
        self.sampler_seconds = time.thread_time()

    def __enter__(self) -> DatabaseCpu:
        self.first = own_cpu_seconds(self.backends())
        self.last = dict(self.first)
        self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stopped.set()
        self.thread.join()
        self._sample()

    @property
    def seconds(self) -> float:
        """CPU seconds spent by the database's backends in the block."""
        return spent_since(self.first, self.last)
