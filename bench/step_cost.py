"""CPU per completed step of each process of both paths, from process CPU times (user + system,
read in /proc), not wall time, so that the ratio holds on a machine other jobs share.

The paths run one after the other on one stack (`bench.latency.embedded_stack`), so each phase's
CPU is the difference of readings taken around it:
- worker: the `quietude worker` process and its descendants;
- API: the bench's own process, its threads only: the FastAPI application called over ASGI, its
  Temporal client and the HTTP client driving it (and the raw worker, idle during that phase);
- Temporal server: the dev server process and its descendants;
- PostgreSQL: the backends of the read model's database, read every 50 ms by a thread of the
  bench's process (that thread's own CPU is taken out of the bench process's figure);
- raw Temporal: the bench's own process (the raw worker and its client share it, the Quiétude
  worker idling in its own process is not counted) and the Temporal server.
Target (issue 18): CPU per completed step ≤ 2.5× raw Temporal's."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench.database_cpu import DatabaseCpu
from bench.latency import Stack
from bench.process_cpu import process_times, tree_cpu_seconds

TARGET_RATIO = 2.5


@dataclass
class CpuSpent:
    """CPU seconds spent by each process of the stack during one phase."""

    bench: float = 0.0
    worker: float = 0.0
    temporal: float = 0.0
    database: float = 0.0
    steps: int = 0


@contextmanager
def cpu_spent(stack: Stack) -> Iterator[CpuSpent]:
    """Measure the CPU spent by each process of `stack` in the block; the caller sets `steps`."""
    if stack.worker_pid == os.getpid():
        raise RuntimeError("le worker doit tourner dans son propre processus pour être mesuré")
    spent = CpuSpent()
    with DatabaseCpu(stack.engine) as database:
        worker = tree_cpu_seconds(stack.worker_pid)
        temporal = tree_cpu_seconds(stack.temporal_pid)
        bench = process_times(os.getpid()).own  # last: the readings above are not the phase's
        yield spent
        spent.bench = process_times(os.getpid()).own - bench
        spent.worker = tree_cpu_seconds(stack.worker_pid) - worker
        spent.temporal = tree_cpu_seconds(stack.temporal_pid) - temporal
    spent.bench -= database.sampler_seconds
    spent.database = database.seconds


def per_step_ms(seconds: float, steps: int) -> float:
    """Milliseconds of CPU per step."""
    return seconds * 1000 / steps


def report_cpu(ours: CpuSpent, raw: CpuSpent) -> None:
    """Print the CPU per completed step of each process of both paths and the ratio of totals."""
    our_total = ours.bench + ours.worker + ours.temporal + ours.database
    raw_total = raw.bench + raw.temporal
    lines = (
        ("cpu_per_step_worker_ms", ours.worker, ours.steps),
        ("cpu_per_step_api_ms", ours.bench, ours.steps),
        ("cpu_per_step_temporal_ms", ours.temporal, ours.steps),
        ("cpu_per_step_postgresql_ms", ours.database, ours.steps),
        ("cpu_per_step_total_ms", our_total, ours.steps),
        ("raw_cpu_per_step_worker_and_client_ms", raw.bench, raw.steps),
        ("raw_cpu_per_step_temporal_ms", raw.temporal, raw.steps),
        ("raw_cpu_per_step_total_ms", raw_total, raw.steps),
    )
    for name, seconds, steps in lines:
        sys.stdout.write(f"{name}: {per_step_ms(seconds, steps):.2f} ms\n")
    ratio = per_step_ms(our_total, ours.steps) / per_step_ms(raw_total, raw.steps)
    sys.stdout.write(f"cpu_per_step_ratio: {ratio:.2f} x (objectif ≤ {TARGET_RATIO} x)\n")
