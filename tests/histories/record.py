"""Record the history of one full run of each procedure, for replay in CI (run by hand).

    .venv/bin/python -m tests.histories.record v4 [signalement plainte resiliation ...]

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
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from quietude.settings import Settings
from quietude.temporal_client import register_search_attributes
from quietude.worker import build_worker
from store.db import make_engine, migrate, session_scope
from store.reference import load_reference_data
from tests.servers import binary
from tests.workflows import (
    test_assermentation,
    test_intervention,
    test_plainte,
    test_resiliation,
    test_signalement,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
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
    "assermentation": (
        test_assermentation,
        "test_a_suspension_renewed_once_then_refused_a_third_time",
    ),
    "intervention": (
        test_intervention,
        "test_three_actions_for_three_organisations_then_the_evaluation",
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

    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=binary("temporal-test-server"),
    )
    url = f"sqlite:///{scratch / f'{kind}.db'}"
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        load_reference_data(session, REPO / "data" / "essonne")
    settings = Settings(var_dir=scratch / kind, reminder_working_days=2)
    module.start_procedure = capture
    try:
        await register_search_attributes(env.client, "default")
        with ThreadPoolExecutor(max_workers=16) as executor:
            worker = build_worker(
                env.client, settings, engine, executor, task_queue=f"tq-{uuid.uuid4()}"
            )
            async with worker:
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
        engine.dispose()
        await env.shutdown()
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
