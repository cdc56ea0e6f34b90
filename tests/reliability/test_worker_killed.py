"""A worker killed (SIGKILL) while procedures are in flight, then restarted: every procedure
moves on and the read model holds each step, event and document exactly once. (How long the
recovery takes is measured by bench/reliability.py: `worker_sigkill_recovery`.)"""

from __future__ import annotations

import asyncio

from tests.reliability.harness import Reliability, audit

IN_FLIGHT = 20
BOUND_SECONDS = 60


async def test_worker_killed_mid_flight_loses_and_doubles_nothing(reliability: Reliability):
    pids = await reliability.start_signalements(IN_FLIGHT)
    done = 0
    half = asyncio.Event()

    def count() -> None:
        nonlocal done
        done += 1
        if done >= IN_FLIGHT:
            half.set()

    answers = asyncio.gather(*(reliability.answer(pid, count) for pid in pids))
    await asyncio.wait_for(half.wait(), 30)
    reliability.worker.kill()
    assert done < 2 * IN_FLIGHT, "the worker must die with completions still in flight"
    reliability.worker.start()
    await asyncio.wait_for(answers, BOUND_SECONDS)
    await reliability.wait_closing(pids, BOUND_SECONDS)

    result = await audit(reliability, pids)
    assert result.wrong_steps == [] and result.event_gaps == []
    assert (result.missing_steps, result.duplicated, result.drifts) == (0, 0, 0)
    assert result.documents == IN_FLIGHT
