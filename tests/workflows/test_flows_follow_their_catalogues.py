"""Each flow opens only the steps its catalogue says may come next: the order of a procedure is
written once as data (the outcomes' links) and the flow's code keeps to it. Checked on the
recorded run of every procedure, from its input and the state it ended in."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from domain.contracts import ProcedureStart, ProcedureView
from domain.procedures import definition
from domain.steps import CLOSING_KEY, StepState

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
RECORDED = sorted(HISTORIES.rglob("*.json"))


def run_of(path: Path) -> tuple[ProcedureStart, ProcedureView]:
    """The input of a recorded procedure and the last state it gave: its result if it ended,
    else the answer to the last update it accepted."""
    events = WorkflowHistory.from_json(path.stem, path.read_text()).events
    started = events[0].workflow_execution_started_event_attributes.input.payloads[0]
    views = [
        e.workflow_execution_completed_event_attributes.result.payloads[0]
        if e.HasField("workflow_execution_completed_event_attributes")
        else e.workflow_execution_update_completed_event_attributes.outcome.success.payloads[0]
        for e in events
        if e.HasField("workflow_execution_completed_event_attributes")
        or e.HasField("workflow_execution_update_completed_event_attributes")
    ]
    return (
        ProcedureStart.model_validate_json(started.data),
        ProcedureView.model_validate_json(views[-1].data),
    )


def may_open(start: ProcedureStart, before: list[StepState]) -> set[str]:
    """The steps the catalogue allows to open after the steps done `before`."""
    catalog = definition(start.kind).catalog
    allowed = {*catalog.first, CLOSING_KEY, *(d.key for d in catalog.anytime)}
    for done in before:
        chosen = catalog.spec(done.key).outcome(done.outcome or "")
        allowed |= set(chosen.next if chosen else ())
    return allowed


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
def test_every_step_opened_was_allowed_by_the_catalogue(path: Path):
    start, end = run_of(path)
    facts = definition(start.kind).parse(start.facts)
    applicable = definition(start.kind).applicable(facts)
    by_opening = sorted(end.steps, key=lambda s: (s.opened_at, s.seq))
    for index, step in enumerate(by_opening):
        assert step.key in applicable, f"{step.key} ne s'applique pas à ce dossier"
        done_before = [s for s in by_opening[:index] if s.outcome is not None]
        assert step.key in may_open(start, done_before), f"{step.key} ouverte hors catalogue"
