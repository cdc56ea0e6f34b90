"""Record the history of one full run of each procedure, for replay in CI (run by hand).

    .venv/bin/python -m tests.histories.record v2 [signalement plainte resiliation]

runs the flows of tests/workflows/test_*.py on the time-skipping server with the unencrypted
Pydantic converter and writes tests/histories/<kind>-<version>.json. Record a new version of the
procedures a change touches, and commit it beside the older ones.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle

from tests.fixtures import (
    migrated,
    running_worker,
    settings_for,
    sqlite_url,
    time_skipping_env,
    unique_queue,
)
from tests.workflows import test_plainte, test_resiliation, test_signalement

HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)

# The test module and the test whose flow is recorded, by procedure kind.
FLOWS: dict[str, tuple[Any, str]] = {
    "signalement": (
        test_signalement,
        "test_whole_signalement_with_reminder_overdue_escalation_and_parquet",
    ),
    "plainte": (test_plainte, "test_classement_then_recours_and_partie_civile"),
    "resiliation": (
        test_resiliation,
        "test_from_the_prefets_injunction_to_an_expulsion_after_the_treve",
    ),
}


def history_path(kind: str, version: str) -> Path:
    """Where the history of `kind` recorded at `version` is kept."""
    return HERE / f"{kind}-{version}.json"


async def record(kind: str, version: str, scratch: Path) -> Path:
    """Run the flow of `kind` and save its history; the path written."""
    module, name = FLOWS[kind]
    handles: list[WorkflowHandle] = []
    started = module.start_procedure

    async def capture(*args: Any, **kwargs: Any) -> WorkflowHandle:
        handle = await started(*args, **kwargs)
        handles.append(handle)
        return handle

    settings = settings_for(scratch / kind, reminder_working_days=2)
    module.start_procedure = capture
    try:
        with migrated(sqlite_url(scratch, f"{kind}.db")) as engine:
            async with (
                time_skipping_env() as env,
                running_worker(env.client, settings, engine, unique_queue("tq")) as worker,
            ):
                fixtures = {
                    "time_env": env,
                    "client": env.client,
                    "worker": worker,
                    "read_model": engine,
                    "settings": settings,
                }
                test = getattr(module, name)
                wanted = inspect.signature(test).parameters
                await test(**{k: v for k, v in fixtures.items() if k in wanted})
                history = await handles[0].fetch_history()
    finally:
        module.start_procedure = started
    path = history_path(kind, version)
    path.write_text(history.to_json() + "\n")
    log.info("%s : %d événements enregistrés dans %s", kind, len(history.events), path.name)
    return path


async def main(version: str, kinds: list[str]) -> None:
    """Record the procedures `kinds` (default: all) at `version`."""
    with tempfile.TemporaryDirectory() as scratch:
        for kind in kinds or list(FLOWS):
            await record(kind, version, Path(scratch))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "v1", sys.argv[2:]))
