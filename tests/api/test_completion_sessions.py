"""What a step completion costs the read model: one session for the request, whose transaction
before the workflow's update (visibility, idempotency key) ends before it, and whose transaction
after it reads the procedure as it now stands and writes the access log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from quietude.procedures import StepRequest
from tests.api.conftest import Tokens
from tests.api.rows import POLICE_EVRY, FakeService, project, step

PROCEDURE = "signalement-2026-000001"
STEP_URL = f"/api/procedures/{PROCEDURE}/steps/accuse_reception"
COMPLETION = {"outcome": "recu", "date": "2026-11-24", "data": {}, "comment": "Vu."}


@dataclass
class RecordingService(FakeService):
    """Accepts every completion without touching the read model (the workflow's side); notes
    how many of the read model's connections are in use meanwhile."""

    checked_out: list[int] = field(default_factory=list)

    async def complete_step(self, request: StepRequest) -> None:
        self.calls.append(("complete_step", request))
        self.checked_out.append(self.engine.pool.checkedout())  # type: ignore[attr-defined]


@pytest.fixture
def service(engine: Engine) -> RecordingService:
    return RecordingService(engine)


@pytest.fixture
def sessions(engine: Engine) -> Iterator[list[Session]]:
    """The sessions that use `engine` while the test runs (kept: none is mistaken for another)."""
    opened: list[Session] = []

    def begun(session: Session, transaction: Any, connection: Any) -> None:
        if connection.engine is engine and all(known is not session for known in opened):
            opened.append(session)

    event.listen(Session, "after_begin", begun)
    yield opened
    event.remove(Session, "after_begin", begun)


@pytest.mark.parametrize("idempotency", [None, "cle-1"])
async def test_a_completion_opens_one_read_model_session(
    engine: Engine,
    client: httpx.AsyncClient,
    auth: Tokens,
    service: RecordingService,
    sessions: list[Session],
    idempotency: str | None,
) -> None:
    project(engine, PROCEDURE, [step("accuse_reception", POLICE_EVRY, date(2026, 11, 23))])
    sessions.clear()
    headers = auth(POLICE_EVRY) | ({"Idempotency-Key": idempotency} if idempotency else {})

    response = await client.post(STEP_URL, json=COMPLETION, headers=headers)

    assert response.status_code == 200, response.text
    assert [name for name, _ in service.calls] == ["complete_step"]
    assert len(sessions) == 1


async def test_no_connection_is_held_during_the_workflow_call(
    engine: Engine, client: httpx.AsyncClient, auth: Tokens, service: RecordingService
) -> None:
    project(engine, PROCEDURE, [step("accuse_reception", POLICE_EVRY, date(2026, 11, 23))])
    headers = auth(POLICE_EVRY)

    response = await client.post(STEP_URL, json=COMPLETION, headers=headers)

    assert response.status_code == 200, response.text
    assert service.checked_out == [0]
