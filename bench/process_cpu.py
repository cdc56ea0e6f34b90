"""CPU time of processes read from Linux's /proc: user + system seconds, not wall time, so that a
cost per step holds on a machine other jobs share.

`/proc/<pid>/stat` counts every thread of a process (live or ended) in `utime` and `stime`, and
the children it has waited for in `cutime` and `cstime`; the children still running are added by
walking the process tree."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcessTimes:
    """The four CPU counters of one process, in seconds."""

    user: float
    system: float
    children_user: float
    children_system: float

    @property
    def own(self) -> float:
        """CPU of the process's own threads."""
        return self.user + self.system

    @property
    def with_waited_children(self) -> float:
        """CPU of its threads and of the children it has waited for."""
        return self.own + self.children_user + self.children_system


def process_times(pid: int) -> ProcessTimes:
    """The CPU counters of process `pid` (raises OSError once it is gone)."""
    stat = (PROC / str(pid) / "stat").read_text()
    # The command name (field 2) may hold spaces and parentheses: split after its last ")".
    fields = stat.rpartition(")")[2].split()
    # fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14 to 17.
    user, system, children_user, children_system = (
        int(value) / CLOCK_TICKS for value in fields[11:15]
    )
    return ProcessTimes(user, system, children_user, children_system)


def parents() -> dict[int, int]:
    """The parent of every running process, by pid."""
    found: dict[int, int] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended while we walked /proc
            continue
        found[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    return found


def descendants(pid: int, parent_of: Mapping[int, int] | None = None) -> list[int]:
    """The running descendants of `pid` (children, their children, ...)."""
    parent_of = parents() if parent_of is None else parent_of
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    found: list[int] = []
    pending = list(children.get(pid, []))
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of `pid`, of the children it has waited for and of its running descendants
    (with the children these have waited for)."""
    total = process_times(pid).with_waited_children
    for descendant in descendants(pid):
        try:
            total += process_times(descendant).with_waited_children
        except OSError:  # ended since the walk: its parent's counters take it once waited for
            continue
    return total


def own_cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """The own CPU seconds (threads only, no children) of each of the processes `pids` still
    running."""
    found: dict[int, float] = {}
    for pid in pids:
        try:
            found[pid] = process_times(pid).own
        except OSError:  # a PostgreSQL backend closed by its pool, say
            continue
    return found


def spent_since(before: Mapping[int, float], after: Mapping[int, float]) -> float:
    """CPU seconds spent between two `own_cpu_seconds` readings by the processes running at the
    second: a process born in between counts whole, one ended in between is lost."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def child_running(program: str) -> int:
    """The pid of the one running child of this process whose program is named `program`."""
    found = []
    for child in descendants(os.getpid()):
        try:
            argv = (PROC / str(child) / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if Path(os.fsdecode(argv[0])).name == program:
            found.append(child)
    if len(found) != 1:
        raise RuntimeError(f"{len(found)} processus {program} parmi ceux de ce banc d'essai")
    return found[0]
