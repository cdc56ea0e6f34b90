"""Running `quietude up`'s supervisor (`DevStack`) in the test's main thread, where it can take
its signals, while a scenario acts on the stack from another thread."""

import threading
import time
from collections.abc import Callable

from quietude.devstack import DevStack


def run_beside(stack: DevStack, scenario: Callable[[DevStack], None]) -> int:
    """Run `stack` until `scenario(stack)` has returned (then it is asked to stop) or the stack
    stops by itself; return its exit code, or raise what the scenario raised."""
    failures: list[BaseException] = []

    def act() -> None:
        try:
            scenario(stack)
        except BaseException as failure:
            failures.append(failure)
        finally:
            stack.request_stop()

    thread = threading.Thread(target=act, daemon=True)
    thread.start()
    code = stack.run()
    thread.join(timeout=120)
    if failures:
        raise failures[0]
    return code


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    """Poll `condition` until it holds; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not {what} after {seconds:.0f} s")
        time.sleep(0.1)
