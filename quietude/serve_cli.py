"""The `quietude up`, `worker` and `api` commands: run the stack or one of its parts."""

import argparse
import asyncio
import logging
import signal
from collections.abc import Coroutine
from typing import Any

from quietude.devstack import DevStack
from quietude.settings import Settings

log = logging.getLogger("quietude")


def run_up(settings: Settings, args: argparse.Namespace) -> int:
    """Run the embedded stack until Ctrl-C."""
    return DevStack(settings).run()


def run_worker_command(settings: Settings, args: argparse.Namespace) -> int:
    """Run one worker until SIGINT or SIGTERM."""
    from quietude.worker import run_worker

    if asyncio.run(run_until_signalled(run_worker(settings))):
        log.info("Worker arrêté.")
    return 0


async def run_until_signalled(work: Coroutine[Any, Any, None]) -> bool:
    """Run a coroutine, cancelling it on SIGINT or SIGTERM; tell whether a signal stopped it."""
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    signalled = False

    def cancel() -> None:
        nonlocal signalled
        signalled = True
        task.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, cancel)
    try:
        await task
    except asyncio.CancelledError:
        if not signalled:
            raise
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return signalled


def run_api(settings: Settings, args: argparse.Namespace) -> int:
    """Serve the API and the web pages."""
    import uvicorn

    uvicorn.run("api.main:app", host=settings.api_host, port=settings.api_port)
    return 0
