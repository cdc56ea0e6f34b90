"""Histories recorded from real runs replay against the current workflows (see README)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from quietude.worker import SANDBOX, WORKFLOWS
from tests.histories.unguarded import UnguardedSignalementWorkflow

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
RECORDED = sorted(HISTORIES.glob("*.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def test_every_procedure_has_a_recorded_history_before_and_after_the_last_change():
    names = {p.name for p in RECORDED}
    assert {"signalement-v1.json", "plainte-v1.json", "resiliation-v1.json"} <= names
    assert "signalement-v2.json" in names


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
async def test_recorded_history_replays_against_the_current_code(path: Path):
    replayer = Replayer(
        workflows=WORKFLOWS, workflow_runner=SANDBOX, data_converter=pydantic_data_converter
    )
    result = await replayer.replay_workflow(load(path), raise_on_replay_failure=False)
    assert result.replay_failure is None


def first_activity(path: Path) -> str:
    history = load(path)
    scheduled = (
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    )
    return next(scheduled)


def test_the_change_is_recorded_after_it_and_absent_before():
    # Before: the fiche was rendered first; after: the transmission is projected first.
    assert first_activity(HISTORIES / "signalement-v1.json") == "render_document"
    assert first_activity(HISTORIES / "signalement-v2.json") == "project_procedure"


async def test_the_same_change_without_its_patch_guard_breaks_running_procedures():
    replayer = Replayer(
        workflows=[UnguardedSignalementWorkflow],
        workflow_runner=SANDBOX,
        data_converter=pydantic_data_converter,
    )
    with pytest.raises(NondeterminismError):
        await replayer.replay_workflow(load(HISTORIES / "signalement-v1.json"))
