"""Crash tests at a larger scale (`make bench`): a worker killed (SIGKILL) and a worker stopped
(SIGTERM) under 100 procedures in flight, the Temporal server restarted under load; each prints
procedures in flight, faults injected, lost and duplicated."""

from __future__ import annotations

import asyncio
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.reliability.harness import (
    Audit,
    Reliability,
    audit,
    close_stack,
    make_settings,
    open_stack,
)

IN_FLIGHT = 100
BOUND_SECONDS = 300


def figure(name: str, value: object, unit: str = "") -> None:
    """Write one `name: value unit` line."""
    sys.stdout.write(f"{name}: {value} {unit}".rstrip() + "\n")
    sys.stdout.flush()


async def kill_worker(stack: Reliability) -> None:
    """SIGKILL, then a new worker."""
    stack.worker.kill()
    stack.worker.start()


async def stop_worker(stack: Reliability) -> None:
    """SIGTERM (running activities finish), then a new worker."""
    stack.worker.signal(signal.SIGTERM)
    await asyncio.to_thread(stack.worker.wait, 60)
    stack.worker.start()


async def restart_temporal(stack: Reliability) -> None:
    """Temporal stopped for 5 s, then started again on the same SQLite file."""
    stack.server.stop()
    await asyncio.sleep(5)
    await stack.server.start()


async def scenario(
    name: str, fault: Callable[[Reliability], Awaitable[None]], count: int = IN_FLIGHT
) -> Audit:
    """Run `count` signalements, inject the fault halfway through the answers, audit."""
    with tempfile.TemporaryDirectory() as folder:
        settings = make_settings(Path(folder) / "var", f"sqlite:///{folder}/read.db")
        stack = await open_stack(settings)
        try:
            pids = await stack.start_signalements(count)
            halfway = asyncio.Event()
            done = 0

            def count_answer() -> None:
                nonlocal done
                done += 1
                if done >= count:
                    halfway.set()

            answers = asyncio.gather(*(stack.answer(pid, count_answer) for pid in pids))
            await asyncio.wait_for(halfway.wait(), BOUND_SECONDS)
            began = time.perf_counter()
            await fault(stack)
            await asyncio.wait_for(answers, BOUND_SECONDS)
            await stack.wait_closing(pids, BOUND_SECONDS)
            recovery = time.perf_counter() - began
            result = await audit(stack, pids)
        finally:
            close_stack(stack)
    lost = result.missing_steps + len(result.event_gaps) + (count - result.documents)
    figure(f"{name}_procedures_in_flight", count)
    figure(f"{name}_faults_injected", 1)
    figure(f"{name}_lost", lost)
    figure(f"{name}_duplicated", result.duplicated)
    figure(f"{name}_drifts", result.drifts)
    figure(f"{name}_recovery", f"{recovery:.1f}", "s")
    return result


async def main() -> None:
    """Each fault once, on 100 procedures."""
    await scenario("worker_sigkill", kill_worker)
    await scenario("worker_sigterm", stop_worker)
    await scenario("temporal_restart", restart_temporal)
