"""Every activity run twice with the same input leaves the state as one run does."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.deadlines import compute_expulsion_date, compute_step_deadline
from activities.documents import DocumentActivities
from activities.notifications import NotificationActivities
from activities.projection import ProjectionActivities
from activities.propagation import PropagationActivities
from domain.actors import Actor
from domain.calendar import DeadlineRule
from domain.contracts import (
    CompleteStep,
    DeadlineRequest,
    DocumentRequest,
    EventRecord,
    ExpulsionRequest,
    Notification,
    NotificationKind,
    ProcedureSnapshot,
    Propagation,
)
from domain.steps import StepState, StepStatus
from tests.builders import BAILLEUR, EVRY, POLICE_EVRY, signalement_body, snapshot_of
from tests.fixtures import TEMPLATES_DIR

PROCEDURE_ID = "signalement-2030-000042"
AT = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def state_of(engine: Engine, *dirs: Path) -> dict[str, Any]:
    """Every row of every table and every file (by content hash) under `dirs`."""
    metadata = MetaData()
    metadata.reflect(engine)
    state: dict[str, Any] = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            rows = connection.execute(select(table)).all()
            state[name] = sorted(repr(tuple(row)) for row in rows)
    for directory in dirs:
        for path in sorted(directory.rglob("*")) if directory.exists() else []:
            if path.is_file():
                state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def twice(engine: Engine, dirs: list[Path], call: Any) -> tuple[dict, dict]:
    """The state after one call, then after the same call again."""
    ActivityEnvironment().run(call)
    once = state_of(engine, *dirs)
    ActivityEnvironment().run(call)
    return once, state_of(engine, *dirs)


def snapshot() -> ProcedureSnapshot:
    steps = [
        StepState(
            key="transmission",
            label="Transmission",
            actor=Actor.BAILLEUR,
            org=BAILLEUR,
            status=StepStatus.DONE,
            opened_at=AT,
            opened_on=AT.date(),
            outcome="transmis",
            completed_at=AT,
            completed_on=AT.date(),
        ),
        StepState(
            key="accuse_reception",
            label="Accusé de réception",
            actor=Actor.FORCES,
            org=POLICE_EVRY,
            opened_at=AT,
            opened_on=AT.date(),
            due=date(2030, 3, 6),
        ),
    ]
    events = [
        EventRecord(seq=n, at=AT, type=t, message=t)
        for n, t in enumerate(["procedure_started", "step_completed", "step_opened"], 1)
    ]
    facts = {"description": "hall B2"}
    return snapshot_of(PROCEDURE_ID, facts, AT, steps, events, title="Occupation de hall")


def test_project_procedure_twice_writes_each_row_once(reference_engine):
    activity = ProjectionActivities(reference_engine)
    once, again = twice(reference_engine, [], lambda: activity.project(snapshot()))
    assert once == again
    assert len(once["event"]) == 3 and len(once["step"]) == 2


def test_send_notification_twice_sends_one_mail(reference_engine, tmp_path: Path):
    outbox = tmp_path / "outbox"
    activity = NotificationActivities(reference_engine, outbox, "quietude@quietude.invalid")
    notification = Notification(
        id=f"{PROCEDURE_ID}:accuse_reception:1:escalade",
        kind=NotificationKind.ESCALADE,
        procedure_id=PROCEDURE_ID,
        step_key="accuse_reception",
        org_id=POLICE_EVRY,
        subject="Escalade",
        body="Étape en retard.",
    )
    once, again = twice(reference_engine, [outbox], lambda: activity.send(notification))
    assert once == again
    assert len(list(outbox.iterdir())) == 1 and len(once["notification"]) == 1


def test_render_document_twice_stores_one_document(reference_engine, tmp_path: Path):
    storage = tmp_path / "documents"
    activity = DocumentActivities(reference_engine, TEMPLATES_DIR, storage)
    request = DocumentRequest(
        procedure_id=PROCEDURE_ID,
        kind="fiche_signalement",
        step_key="transmission",
        context={
            "procedure_id": PROCEDURE_ID,
            "transmis_le": "2030-03-04",
            "facts": signalement_body(destinataire="forces"),
        },
        org_refs={"bailleur": BAILLEUR, "destinataires": [POLICE_EVRY]},
        commune_insee=EVRY,
    )
    once, again = twice(reference_engine, [storage], lambda: activity.render(request))
    assert once == again
    assert len(once["document"]) == 1 and len(list(storage.rglob("*.docx"))) == 1


class FakeTarget:
    """A linked procedure's workflow: takes a completion once, refuses it when not pending."""

    def __init__(self) -> None:
        self.completed: list[str] = []

    async def execute_update(self, update: str, command: CompleteStep, **_: Any) -> None:
        if command.key in self.completed:
            raise WorkflowUpdateFailedError(
                ApplicationError("étape non en attente", type="StepNotPending")
            )
        self.completed.append(command.key)


class FakeClient:
    def __init__(self) -> None:
        self.targets: dict[str, FakeTarget] = {}

    def get_workflow_handle(self, workflow_id: str) -> FakeTarget:
        return self.targets.setdefault(workflow_id, FakeTarget())


async def test_propagate_completion_twice_completes_each_linked_step_once():
    client = FakeClient()
    activity = PropagationActivities(client)  # type: ignore[arg-type]
    propagation = Propagation(
        source_id=PROCEDURE_ID,
        targets=["resiliation-2030-000001", "plainte-2030-000002"],
        command=CompleteStep(
            key="decision_parquet", outcome="poursuites", on=date(2030, 4, 1), org="p", sub="s"
        ),
    )
    first = await ActivityEnvironment().run(activity.propagate, propagation)
    second = await ActivityEnvironment().run(activity.propagate, propagation)
    assert first == propagation.targets and second == []
    assert {k: t.completed for k, t in client.targets.items()} == {
        t: ["decision_parquet"] for t in propagation.targets
    }


@pytest.mark.parametrize(
    ("activity", "request_"),
    [
        (
            compute_step_deadline,
            DeadlineRequest(
                start=date(2030, 3, 4), rule=DeadlineRule(days=15), reminder_working_days=2
            ),
        ),
        (compute_expulsion_date, ExpulsionRequest(not_before=date(2031, 1, 6))),
    ],
)
async def test_deadline_computations_give_the_same_result_twice(activity, request_):
    first = await ActivityEnvironment().run(activity, request_)
    assert await ActivityEnvironment().run(activity, request_) == first
