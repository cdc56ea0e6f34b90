"""SIGTERM to a worker while activities run: it lets them finish and exits cleanly, the read
model is consistent at once, and a restarted worker completes the rest."""

from __future__ import annotations

import asyncio
import signal
import time

from sqlmodel import Session, select

from store.tables import Event, Step
from tests.reliability.harness import Reliability, audit

IN_FLIGHT = 20
# Usually about 10 s (the sticky queue of the stopped worker times out); an activity task a
# poll received during the shutdown is retried after its 30 s start-to-close timeout.
RESUME_BOUND_SECONDS = 45


def consistent(stack: Reliability, pids: list[str], answered: dict[str, int]) -> list[str]:
    """Problems in the read model as it stands: event gaps, answered steps not projected."""
    problems = []
    with Session(stack.service.engine) as session:
        for pid in pids:
            seqs = sorted(
                e.seq for e in session.exec(select(Event).where(Event.procedure_id == pid)).all()
            )
            if seqs != list(range(1, len(seqs) + 1)):
                problems.append(f"{pid} événements {seqs}")
            done = session.exec(
                select(Step).where(Step.procedure_id == pid, Step.status == "done")
            ).all()
            if len(done) < 1 + answered.get(pid, 0):
                problems.append(f"{pid} : {len(done)} étapes faites, {answered[pid]} répondues")
    leftovers = [p for p in stack.settings.documents_dir.rglob(".*")]
    problems += [f"fichier à moitié écrit : {p.name}" for p in leftovers]
    return problems


async def test_sigterm_lets_running_activities_finish(reliability: Reliability):
    pids = await reliability.start_signalements(IN_FLIGHT)
    answered: dict[str, int] = {}
    started = asyncio.Event()

    async def answer(pid: str) -> None:
        def count() -> None:
            answered[pid] = answered.get(pid, 0) + 1
            if sum(answered.values()) >= IN_FLIGHT // 2:
                started.set()

        await reliability.answer(pid, count)

    answers = asyncio.gather(*(answer(pid) for pid in pids))
    await asyncio.wait_for(started.wait(), 30)
    reliability.worker.signal(signal.SIGTERM)
    code = await asyncio.to_thread(reliability.worker.wait, 30)
    assert code == 0
    log = (reliability.settings.var_dir / "worker-0.log").read_text(encoding="utf-8")
    assert "Worker arrêté." in log and "Traceback" not in log
    assert consistent(reliability, pids, dict(answered)) == []

    began = time.monotonic()
    reliability.worker.start()
    await asyncio.wait_for(answers, RESUME_BOUND_SECONDS)
    await reliability.wait_closing(pids, RESUME_BOUND_SECONDS - (time.monotonic() - began))

    result = await audit(reliability, pids)
    assert result.wrong_steps == [] and result.event_gaps == []
    assert (result.missing_steps, result.duplicated, result.drifts) == (0, 0, 0)
    assert result.documents == IN_FLIGHT
