"""The children of `quietude up` (the workers and the API): each one started again after it dies,
after a delay that doubles with each crash in a row."""

import logging
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RestartPolicy:
    """Seconds before a dead child starts again: `first`, doubled at each crash in a row up to
    `longest`, and `first` again once the child had stayed up `steady` seconds."""

    first: float = 1.0
    longest: float = 30.0
    steady: float = 60.0


class Backoff:
    """The delays of one child's restarts under a policy."""

    def __init__(self, policy: RestartPolicy) -> None:
        self.policy = policy
        self.next_delay = policy.first

    def delay(self, uptime: float) -> float:
        """The wait before starting again a child that died after `uptime` seconds up."""
        if uptime >= self.policy.steady:
            self.next_delay = self.policy.first
        delay = self.next_delay
        self.next_delay = min(delay * 2, self.policy.longest)
        return delay


def seconds(delay: float) -> str:
    """A delay in seconds as a French reader writes it: "1", "0,5"."""
    return f"{delay:g}".replace(".", ",")


class Child:
    """One supervised process, its name as the logs say it ("Worker 2", "API")."""

    def __init__(
        self,
        name: str,
        command: list[str],
        policy: RestartPolicy,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.command = command
        self.backoff = Backoff(policy)
        self.clock = clock
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None

    def start(self) -> None:
        """Start the process in its own process group: a Ctrl-C in the terminal reaches only
        the supervisor, which then stops the children in order."""
        self.process = subprocess.Popen(self.command, process_group=0)
        self.started_at = self.clock()
        self.restart_at = None

    def supervise(self) -> None:
        """Plan the restart of a process that died; start it again once its delay is over."""
        now = self.clock()
        if self.restart_at is not None:
            if now >= self.restart_at:
                log.info("%s : redémarrage.", self.name)
                self.start()
            return
        if self.process is None or self.process.poll() is None:
            return
        delay = self.backoff.delay(now - self.started_at)
        self.restart_at = now + delay
        log.warning(
            "%s : arrêt inattendu (code %d) ; redémarrage dans %s s.",
            self.name,
            self.process.returncode,
            seconds(delay),
        )

    def interrupt(self) -> None:
        """Ask the process to stop (SIGINT), if it runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def wait_or_kill(self, timeout: float) -> None:
        """Wait for the process to end, killing it after `timeout` seconds."""
        if self.process is not None:
            wait_or_kill(self.name, self.process, timeout)


def wait_or_kill(name: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait for `process` to end, killing it after `timeout` seconds."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        log.warning("%s ne s'arrête pas après %.0f s : arrêt forcé.", name, timeout)
        process.kill()
        process.wait()
