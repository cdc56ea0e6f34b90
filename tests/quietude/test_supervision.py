"""Restarts of the workers and the API: the delays, and one child dying and started again."""

import logging
import sys

import pytest

from quietude.supervision import Backoff, Child, RestartPolicy, seconds

POLICY = RestartPolicy(first=1.0, longest=30.0, steady=60.0)
EXIT_3 = [sys.executable, "-c", "raise SystemExit(3)"]


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_delays_double_up_to_the_longest() -> None:
    backoff = Backoff(POLICY)

    delays = [backoff.delay(uptime=0.5) for _ in range(8)]

    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_child_that_stayed_up_long_enough_starts_again_from_the_first_delay() -> None:
    backoff = Backoff(POLICY)
    for _ in range(4):
        backoff.delay(uptime=2.0)

    assert backoff.delay(uptime=59.0) == 16
    assert backoff.delay(uptime=60.0) == 1
    assert backoff.delay(uptime=1.0) == 2


def test_delays_are_written_the_french_way() -> None:
    assert [seconds(d) for d in (1.0, 30.0, 0.5)] == ["1", "30", "0,5"]


def test_a_dead_child_is_started_again_after_its_delay(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    child = Child("Worker 2", EXIT_3, POLICY, clock=clock)
    caplog.set_level(logging.INFO)
    child.start()
    first = child.process
    assert first is not None
    first.wait()

    child.supervise()
    clock.now += 0.9
    child.supervise()

    assert child.process is first
    assert caplog.messages == ["Worker 2 : arrêt inattendu (code 3) ; redémarrage dans 1 s."]

    clock.now += 0.1
    child.supervise()

    assert child.process is not first
    assert caplog.messages[-1] == "Worker 2 : redémarrage."
    child.process.wait()
    clock.now += 5
    child.supervise()
    assert caplog.messages[-1] == "Worker 2 : arrêt inattendu (code 3) ; redémarrage dans 2 s."


def test_a_running_child_is_left_alone(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    child = Child("API", [sys.executable, "-c", "import time; time.sleep(60)"], POLICY, clock)
    child.start()
    try:
        clock.now += 120
        child.supervise()
        assert child.process is not None and child.process.poll() is None
        assert caplog.messages == []
    finally:
        child.interrupt()
        child.wait_or_kill(10)
