"""The /proc reader behind the benchmarks' CPU per step: it sees the CPU of threads, of waited-for
children and of running descendants."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench.process_cpu import (
    child_running,
    descendants,
    process_times,
    spent_since,
    tree_cpu_seconds,
)

# Burns 0.3 s of its own CPU (measured by itself), says so, then waits for its stdin to close.
BUSY = (
    "import sys, time\n"
    "while time.process_time() < 0.3:\n"
    "    pass\n"
    "print('spent', flush=True)\n"
    "sys.stdin.read()\n"
)
# Starts BUSY as a child sharing its stdout, then idles; if told to wait, the child's stdin is
# empty (it ends once it has spent its CPU) and it is waited for.
PARENT = (
    "import subprocess, sys\n"
    "waits = sys.argv[2] == 'wait'\n"
    "stdin = subprocess.DEVNULL if waits else None\n"
    "child = subprocess.Popen([sys.executable, '-c', sys.argv[1]], stdin=stdin)\n"
    "if waits:\n"
    "    child.wait()\n"
    "    print('waited', flush=True)\n"
    "sys.stdin.read()\n"
    "child.wait()\n"
)


@contextmanager
def parent_of_busy_child(wait: bool) -> Iterator[subprocess.Popen[str]]:
    """A process whose child burned 0.3 s of CPU (and ended, waited for, if `wait`)."""
    process = subprocess.Popen(
        [sys.executable, "-c", PARENT, BUSY, "wait" if wait else "keep"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "spent\n"
        if wait:
            assert process.stdout.readline() == "waited\n"
        yield process
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def test_tree_cpu_counts_a_running_child_busy_looping() -> None:
    with parent_of_busy_child(wait=False) as parent:
        (child,) = descendants(parent.pid)
        assert process_times(child).own >= 0.29
        assert process_times(parent.pid).own < 0.29
        assert tree_cpu_seconds(parent.pid) >= 0.29 + process_times(parent.pid).own


def test_tree_cpu_counts_a_child_that_ended_and_was_waited_for() -> None:
    with parent_of_busy_child(wait=True) as parent:
        assert descendants(parent.pid) == []
        times = process_times(parent.pid)
        assert times.children_user + times.children_system >= 0.29
        assert tree_cpu_seconds(parent.pid) == pytest.approx(times.with_waited_children)


def test_own_cpu_counts_every_thread() -> None:
    threaded = (
        "import sys, threading, time\n"
        "def burn():\n"
        "    started = time.thread_time()\n"
        "    while time.thread_time() - started < 0.3:\n"
        "        pass\n"
        "thread = threading.Thread(target=burn)\n"
        "thread.start()\n"
        "thread.join()\n"
        "print('spent', flush=True)\n"
        "sys.stdin.read()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", threaded], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdin is not None
    assert process.stdout.readline() == "spent\n"
    assert process_times(process.pid).own >= 0.29
    process.stdin.close()
    process.wait(timeout=30)


def test_spent_since_counts_a_process_born_whole_and_drops_one_ended() -> None:
    before = {10: 1.0, 11: 5.0}
    after = {10: 1.5, 12: 0.25}
    assert spent_since(before, after) == pytest.approx(0.75)


def test_child_running_finds_the_child_by_its_program_name() -> None:
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        assert child_running("sleep") == sleeper.pid
    finally:
        sleeper.kill()
        sleeper.wait()
