"""Record histories of the procedures' flows, for replay in CI (run by hand).

    .venv/bin/python -m tests.histories.record v5 [signalement plainte resiliation ...]
    .venv/bin/python -m tests.histories.record v5 paths

The first form runs one full flow of each kind (FLOWS) and writes
tests/histories/<kind>-<version>.json; `paths` runs every test of tests/workflows/test_<kind>.py
that starts procedures and writes tests/histories/paths/<kind>-<test>-<version>.json (its first
procedure). Each runs on the time-skipping server with the unencrypted Pydantic converter.
Record a new version of the procedures a change touches, and commit it beside the older ones.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle, WorkflowHistory

from tests.fixtures import (
    migrated,
    running_worker,
    settings_for,
    sqlite_url,
    time_skipping_env,
    unique_queue,
)
from tests.workflows import (
    test_assermentation,
    test_intervention,
    test_plainte,
    test_resiliation,
    test_resiliation_law,
    test_signalement,
)

HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)
FIXTURES = ("time_env", "client", "worker", "read_model", "settings")

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


async def run_flow(module: Any, name: str, scratch: Path) -> WorkflowHistory | None:
    """Run test `name` of `module` on a fresh stack; the history of its first procedure."""
    handles: list[WorkflowHandle] = []
    started = module.start_procedure

    async def capture(*args: Any, **kwargs: Any) -> WorkflowHandle:
        handle = await started(*args, **kwargs)
        handles.append(handle)
        return handle

    settings = settings_for(scratch / name, reminder_working_days=2)
    module.start_procedure = capture
    try:
        with migrated(sqlite_url(scratch, f"{name}.db")) as engine:
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
                await getattr(module, name)(**{k: fixtures[k] for k in _wanted(module, name)})
                history = await handles[0].fetch_history() if handles else None
    finally:
        module.start_procedure = started
    return history


def _wanted(module: Any, name: str) -> list[str]:
    return list(inspect.signature(getattr(module, name)).parameters)


def _write(path: Path, history: WorkflowHistory) -> Path:
    path.parent.mkdir(exist_ok=True)
    path.write_text(history.to_json() + "\n")
    log.info("%d événements enregistrés dans %s", len(history.events), path.name)
    return path


async def record(kind: str, version: str, scratch: Path) -> Path:
    """Run the flow of `kind` and save its history; the path written."""
    module, name = FLOWS[kind]
    history = await run_flow(module, name, scratch)
    assert history is not None
    return _write(HERE / f"{kind}-{version}.json", history)


# Other test modules whose paths are recorded with those of the kind's own module.
MORE_PATHS: dict[str, tuple[Any, ...]] = {"resiliation": (test_resiliation_law,)}


async def record_paths(version: str, scratch: Path) -> list[Path]:
    """Every other test of the flows that starts procedures and needs no other fixture."""
    written = []
    modules = [(kind, module, recorded) for kind, (module, recorded) in FLOWS.items()]
    modules += [(kind, more, "") for kind, extra in MORE_PATHS.items() for more in extra]
    for kind, module, recorded in modules:
        for name, _ in inspect.getmembers(module, inspect.iscoroutinefunction):
            if not name.startswith("test_") or name == recorded:
                continue
            if not set(_wanted(module, name)) <= set(FIXTURES):
                continue
            history = await run_flow(module, name, scratch)
            if history is not None:
                short = name.removeprefix("test_")
                written.append(_write(HERE / "paths" / f"{kind}-{short}-{version}.json", history))
    return written


async def main(version: str, kinds: list[str]) -> None:
    """Record the procedures `kinds` (default: all), or every path, at `version`."""
    with tempfile.TemporaryDirectory() as scratch:
        if kinds == ["paths"]:
            await record_paths(version, Path(scratch))
            return
        for kind in kinds or list(FLOWS):
            await record(kind, version, Path(scratch))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "v1", sys.argv[2:]))
