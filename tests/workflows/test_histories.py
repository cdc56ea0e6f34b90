"""Histories recorded from real runs replay against the current workflows (see README)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from quietude.worker import CHECKED_SANDBOX, WORKFLOWS
from tests.histories.unguarded import UnguardedSignalementWorkflow

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
# One run per kind at each version, and every other path of the flows' tests (paths/).
RECORDED = sorted(HISTORIES.rglob("*.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def test_every_procedure_has_a_recorded_history_before_and_after_the_last_change():
    names = {p.name for p in RECORDED}
    assert {"signalement-v1.json", "plainte-v1.json", "resiliation-v1.json"} <= names
    assert "signalement-v2.json" in names
    assert {"signalement-v3.json", "plainte-v3.json", "resiliation-v3.json"} <= names
    assert {"assermentation-v3.json", "intervention-v3.json"} <= names
    kinds = ("signalement", "plainte", "resiliation", "assermentation", "intervention")
    assert {f"{kind}-v4.json" for kind in kinds} <= names
    assert {f"{kind}-v5.json" for kind in kinds} <= names


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
async def test_recorded_history_replays_against_the_current_code(path: Path):
    replayer = Replayer(
        workflows=WORKFLOWS, workflow_runner=CHECKED_SANDBOX, data_converter=pydantic_data_converter
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
        workflow_runner=CHECKED_SANDBOX,
        data_converter=pydantic_data_converter,
    )
    with pytest.raises(NondeterminismError):
        await replayer.replay_workflow(load(HISTORIES / "signalement-v1.json"))


def projections(path: Path) -> tuple[int, int]:
    """How many projections a history ran as activities, and as local activities."""
    events = load(path).events
    activities = sum(
        e.activity_task_scheduled_event_attributes.activity_type.name == "project_procedure"
        for e in events
        if e.HasField("activity_task_scheduled_event_attributes")
    )
    local = sum(
        b'"activity_type":"project_procedure"'
        in e.marker_recorded_event_attributes.details["data"].payloads[0].data
        for e in events
        if e.HasField("marker_recorded_event_attributes")
        and e.marker_recorded_event_attributes.marker_name == "core_local_activity"
    )
    return activities, local


@pytest.mark.parametrize("kind", ["signalement", "plainte", "resiliation"])
def test_projection_became_a_local_activity_under_its_patch(kind: str):
    # Histories before the change (which replay above) project through activities; after it,
    # each change is projected by a local activity in the workflow task that made it.
    before = projections(HISTORIES / f"{kind}-v1.json")
    after = projections(HISTORIES / f"{kind}-v3.json")
    assert before[0] > 0 and before[1] == 0
    assert after[0] == 0 and after[1] > 0
    assert after[1] < before[0]  # fewer projections: one per settled change
