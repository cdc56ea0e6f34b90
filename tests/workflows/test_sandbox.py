"""Which workflow modules each sandbox runner imports again for every workflow instance."""

from __future__ import annotations

import importlib._bootstrap_external as bootstrap
from pathlib import Path
from types import ModuleType

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from quietude.worker import CHECKED_SANDBOX, SANDBOX, WORKFLOWS

HISTORY = Path(__file__).resolve().parents[1] / "histories" / "signalement-v5.json"


async def modules_imported_by_replays(
    runner: SandboxedWorkflowRunner, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """The modules executed while two recorded runs replay, each as a new workflow instance."""
    executed: list[str] = []
    exec_module = bootstrap._LoaderBasics.exec_module

    def recording(loader: object, module: ModuleType) -> None:
        executed.append(module.__name__)
        exec_module(loader, module)  # type: ignore[arg-type]

    replayer = Replayer(
        workflows=WORKFLOWS, workflow_runner=runner, data_converter=pydantic_data_converter
    )
    history = WorkflowHistory.from_json(HISTORY.stem, HISTORY.read_text())
    await replayer.replay_workflow(history)  # the modules first imported outside the sandbox
    monkeypatch.setattr(bootstrap._LoaderBasics, "exec_module", recording)
    for _ in range(2):
        await replayer.replay_workflow(history)
    return executed


async def test_the_worker_runner_does_not_import_the_flows_again_for_each_instance(
    monkeypatch: pytest.MonkeyPatch,
):
    assert await modules_imported_by_replays(SANDBOX, monkeypatch) == []


async def test_the_replays_run_every_workflow_module_inside_the_sandbox(
    monkeypatch: pytest.MonkeyPatch,
):
    executed = await modules_imported_by_replays(CHECKED_SANDBOX, monkeypatch)
    assert executed.count("workflows.signalement") >= 2
    assert executed.count("workflows.engine") >= 2
