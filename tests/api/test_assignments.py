"""Assignment of steps inside an organisation, and bulk reassignment of a person's steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.deps import ServiceProvider
from domain.contracts import ProcedureStatus
from domain.steps import StepStatus
from quietude.procedures import AssignRequest, StepRefused
from quietude.settings import Settings
from store.tables import Step
from tests.api.rows import (
    BAILLEUR,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    FakeService,
    parquet_step,
    project_kind,
    step,
)
from tests.fixtures import Tokens, refuse_to_connect

S1, S2, S3 = "signalement-2026-000201", "signalement-2026-000202", "signalement-2026-000203"
S4 = "signalement-2026-000204"
R1 = "resiliation-2026-000206"
MANAGER = ("manager", "chef-parquet")
SUBSTITUT = "substitut-a"
A_TO_B = {"from": "substitut-a", "to": "substitut-b"}


@dataclass
class AssigningService(FakeService):
    """The stand-in service, which also assigns steps in the read model; `refused` maps a
    procedure id to the refusal its workflow would answer."""

    refused: dict[str, StepRefused] | None = None

    async def assign(self, request: AssignRequest) -> None:
        """Record the assignment and write it on the pending step."""
        procedure_id, key, assignee_sub = request.procedure_id, request.key, request.assignee_sub
        self.calls.append(("assign", (request.caller, procedure_id, key, assignee_sub)))
        if self.error:
            raise self.error
        if self.refused and procedure_id in self.refused:
            raise self.refused[procedure_id]
        with Session(self.engine) as session:
            row = session.exec(
                select(Step).where(
                    Step.procedure_id == procedure_id, Step.key == key, Step.status == "pending"
                )
            ).one()
            row.assignee_sub = assignee_sub
            session.add(row)
            session.commit()


@pytest.fixture
def service(engine: Engine) -> AssigningService:
    """The stand-in procedure service the app uses."""
    return AssigningService(engine)


def _assigns(service: FakeService) -> list[tuple[str, str, str]]:
    return [(args[1], args[2], args[3]) for name, args in service.calls if name == "assign"]


@pytest.fixture
def substitut_rows(engine: Engine) -> None:
    """Steps of "substitut-a": two pending at the parquet, one done, one of a withdrawn
    procedure, one of the police with the same name; and one step of "substitut-b"."""
    day = partial(date, 2026)
    pending = parquet_step("decision_parquet", day(10, 1), due=day(12, 1), assignee=SUBSTITUT)
    project_kind(engine, S1, [pending])
    decided = parquet_step(
        "decision_parquet",
        day(9, 1),
        status=StepStatus.DONE,
        completed_on=day(10, 1),
        outcome="alternative",
        assignee=SUBSTITUT,
    )
    police = step("accuse_reception", POLICE_EVRY, day(9, 1), assignee=SUBSTITUT)
    project_kind(engine, S2, [decided, police])
    withdrawn = parquet_step("decision_parquet", day(11, 2), assignee=SUBSTITUT)
    project_kind(engine, S3, [withdrawn], status=ProcedureStatus.CANCELLED)
    other = parquet_step("decision_parquet", day(11, 3), assignee="substitut-b")
    project_kind(engine, S4, [other], bailleur=OTHER_BAILLEUR)
    asked = parquet_step(
        "demande_information_parquet", day(11, 20), due=day(11, 30), assignee=SUBSTITUT
    )
    project_kind(engine, R1, [asked])


async def assign(
    client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str], procedure_id: str = S4
) -> httpx.Response:
    """Ask for the parquet's decision step of a procedure to go to another person."""
    url = f"/api/procedures/{procedure_id}/steps/decision_parquet/assignee"
    return await client.post(url, json=body, headers=headers)


async def reassign(
    client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    """Ask for every pending step of a person to go to another."""
    return await client.post("/api/tasks/reassign", json=body, headers=headers)


# ----- one step --------------------------------------------------------------------------------


@pytest.mark.usefixtures("substitut_rows")
async def test_a_manager_assigns_a_step_and_gets_the_procedure(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    response = await assign(client, {"sub": "substitut-c"}, auth(PARQUET, *MANAGER))
    assert response.status_code == 200, response.text
    step_row = next(s for s in response.json()["steps"] if s["key"] == "decision_parquet")
    assert step_row["assignee_sub"] == "substitut-c"
    caller = service.calls[0][1][0]
    assert (caller.org, caller.sub, caller.role) == (PARQUET, "chef-parquet", "manager")
    assert _assigns(service) == [(S4, "decision_parquet", "substitut-c")]


@pytest.mark.usefixtures("substitut_rows")
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"sub": "substitut-c", "role": "manager"}, "role : champ non autorisé"),
        ({"sub": ""}, "sub : trop court"),
        ({}, "sub : champ requis"),
    ],
)
async def test_a_bad_assignment_body_is_refused(
    client: httpx.AsyncClient,
    auth: Tokens,
    service: AssigningService,
    body: dict[str, Any],
    expected: str,
) -> None:
    response = await assign(client, body, auth(PARQUET, *MANAGER))
    assert response.status_code == 422 and expected in response.json()["detail"]
    assert service.calls == []


@pytest.mark.usefixtures("substitut_rows")
@pytest.mark.parametrize(
    ("kind", "status"),
    [("WrongRole", 403), ("WrongOrganisation", 403), ("StepNotPending", 409)],
)
async def test_workflow_refusals_of_an_assignment_have_their_status(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService, kind: str, status: int
) -> None:
    service.error = StepRefused(kind, "Refus en français.")
    response = await assign(client, {"sub": "substitut-c"}, auth(PARQUET, "agent"))
    assert response.status_code == status
    assert response.json() == {"detail": "Refus en français."}


@pytest.mark.usefixtures("substitut_rows")
async def test_an_invisible_procedure_is_not_found_and_its_workflow_not_called(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    for org in (BAILLEUR, POLICE_EVRY):  # S4 is another bailleur's; the police has no step in it
        response = await assign(client, {"sub": "x"}, auth(org, "manager"))
        assert response.status_code == 404
    assert service.calls == []


@pytest.mark.usefixtures("substitut_rows")
async def test_an_assignment_answers_503_while_temporal_is_down(
    app: FastAPI, client: httpx.AsyncClient, auth: Tokens, settings: Settings, engine: Engine
) -> None:
    app.state.services = ServiceProvider(settings, engine, connector=refuse_to_connect)
    response = await assign(client, {"sub": "substitut-c"}, auth(PARQUET, *MANAGER))
    assert response.status_code == 503 and "Temporal" in response.json()["detail"]


# ----- bulk reassignment -----------------------------------------------------------------------


@pytest.mark.usefixtures("substitut_rows")
async def test_bulk_reassignment_moves_exactly_the_pending_steps_of_that_person(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    response = await reassign(client, A_TO_B, auth(PARQUET, *MANAGER))
    assert response.status_code == 200, response.text
    # In the order of the inbox: by due date.
    moved = [(R1, "demande_information_parquet"), (S1, "decision_parquet")]
    assert response.json() == {
        "moved": [{"procedure_id": p, "key": k} for p, k in moved],
        "count": 2,
    }
    assert sorted(_assigns(service)) == sorted((p, k, "substitut-b") for p, k in moved)
    left = await client.get(
        "/api/tasks", params={"assignee": "substitut-a"}, headers=auth(PARQUET, *MANAGER)
    )
    assert left.json()["items"] == []
    now = await client.get(
        "/api/tasks", params={"assignee": "substitut-b"}, headers=auth(PARQUET, *MANAGER)
    )
    assert {t["procedure_id"] for t in now.json()["items"]} == {S1, S4, R1}
    with Session(service.engine) as session:
        untouched = session.exec(
            select(Step.id).where(Step.assignee_sub == "substitut-a").order_by(Step.id)
        ).all()
    # The done step, the withdrawn procedure's step and the police's step keep their person.
    assert untouched == [
        f"{S2}:accuse_reception:1",
        f"{S2}:decision_parquet:1",
        f"{S3}:decision_parquet:1",
    ]


@pytest.mark.usefixtures("substitut_rows")
async def test_a_step_completed_meanwhile_is_not_reported_as_moved(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    service.refused = {S1: StepRefused("StepNotPending", "L'étape n'est pas en attente.")}
    response = await reassign(client, A_TO_B, auth(PARQUET, "admin"))
    assert response.status_code == 200, response.text
    assert response.json()["count"] == 1
    assert response.json()["moved"] == [{"procedure_id": R1, "key": "demande_information_parquet"}]


@pytest.mark.usefixtures("substitut_rows")
@pytest.mark.parametrize(
    ("role", "body", "status", "expected"),
    [
        ("agent", A_TO_B, 403, "responsables"),
        ("juriste", A_TO_B, 403, "responsables"),
        ("manager", {"from": "substitut-a", "to": "substitut-a"}, 422, "autre personne"),
        ("manager", {"from": "substitut-a"}, 422, "to : champ requis"),
        ("manager", {"from": "a", "to": "b", "all": True}, 422, "all : champ non autorisé"),
    ],
)
async def test_bulk_reassignment_is_refused_to_others_and_for_bad_bodies(
    client: httpx.AsyncClient,
    auth: Tokens,
    service: AssigningService,
    role: str,
    body: dict[str, Any],
    status: int,
    expected: str,
) -> None:
    response = await reassign(client, body, auth(PARQUET, role))
    assert response.status_code == status
    assert expected in response.json()["detail"]
    assert service.calls == []


@pytest.mark.usefixtures("substitut_rows")
async def test_bulk_reassignment_stays_inside_the_callers_organisation(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    response = await reassign(client, A_TO_B, auth(POLICE_EVRY, "manager"))
    assert response.json() == {
        "moved": [{"procedure_id": S2, "key": "accuse_reception"}],
        "count": 1,
    }
