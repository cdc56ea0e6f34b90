"""The parquet's inbox: every request waiting on it from the bailleurs, filtered, counted, by
assignee."""

from datetime import date
from functools import partial
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from domain.steps import StepStatus
from quietude.procedures import today_in_paris
from tests.api.rows import (
    BAILLEUR,
    ETAMPES,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    at,
    done,
    parquet_step,
    project_kind,
    step,
)
from tests.fixtures import Tokens

SUBSTITUT = "substitut-a"
S1, S2 = "signalement-2026-000101", "signalement-2026-000102"
R1 = "resiliation-2026-000103"
P1, P2 = "plainte-2026-000104", "plainte-2026-000105"


@pytest.fixture
def parquet_rows(engine: Engine) -> None:
    """Requests waiting on the parquet from two bailleurs, and steps that are not its tasks."""
    day = partial(date, 2026)
    # Imported on 25 November, but pending since 1 October: older than S2's step.
    imported = parquet_step("decision_parquet", day(10, 1), due=day(12, 1), assignee=SUBSTITUT)
    imported.opened_at = at(day(11, 25))
    police = step("accuse_reception", POLICE_EVRY, day(10, 1), assignee=SUBSTITUT)
    project_kind(engine, S1, [imported, police])
    from_etampes = parquet_step("decision_parquet", day(10, 15), due=day(12, 1))
    project_kind(engine, S2, [from_etampes], bailleur=OTHER_BAILLEUR, commune=ETAMPES)
    asked = parquet_step(
        "demande_information_parquet", day(11, 20), due=day(12, 10), assignee="substitut-b"
    )
    project_kind(engine, R1, [asked])
    investigated = done("enquete", POLICE_EVRY, day(5, 2), day(8, 1), outcome="transmise_parquet")
    overdue = parquet_step(
        "decision_parquet", day(8, 1), due=day(11, 2), overdue=True, assignee=SUBSTITUT
    )
    project_kind(engine, P1, [investigated, overdue], bailleur=OTHER_BAILLEUR)
    decided = parquet_step(
        "decision_parquet",
        day(9, 1),
        status=StepStatus.DONE,
        completed_on=day(10, 1),
        outcome="poursuites",
        assignee=SUBSTITUT,
    )
    project_kind(engine, P2, [decided, parquet_step("transmission_decision", day(11, 1))])


def _keys(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t["procedure_id"], t["key"]) for t in body["items"]]


async def _tasks(client: httpx.AsyncClient, auth: Tokens, org: str) -> dict[str, Any]:
    response = await client.get("/api/tasks", headers=auth(org))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.usefixtures("parquet_rows")
async def test_parquet_sees_every_request_by_due_date_then_age_with_counts(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    body = await _tasks(client, auth, PARQUET)
    assert _keys(body) == [
        (P1, "decision_parquet"),  # overdue
        (S1, "decision_parquet"),  # same due date as S2's, pending for longer
        (S2, "decision_parquet"),
        (R1, "demande_information_parquet"),
        (P2, "transmission_decision"),  # no due date
    ]
    assert body["counts"] == {
        "by_step": {
            "decision_parquet": 3,
            "demande_information_parquet": 1,
            "transmission_decision": 1,
        },
        "by_kind": {"plainte": 2, "resiliation": 1, "signalement": 2},
        "overdue": 1,
    }
    by_id = {t["procedure_id"]: t for t in body["items"]}
    assert by_id[S1]["age_days"] == (today_in_paris() - date(2026, 10, 1)).days
    assert by_id[S1]["assignee_sub"] == "substitut-a" and by_id[S2]["assignee_sub"] is None
    assert by_id[S2]["bailleur"]["id"] == OTHER_BAILLEUR
    assert by_id[S2]["commune"]["insee"] == ETAMPES and by_id[R1]["kind"] == "resiliation"


@pytest.mark.usefixtures("parquet_rows")
@pytest.mark.parametrize(
    ("params", "expected", "counts"),
    [
        (
            {"step": "decision_parquet"},
            [P1, S1, S2],
            {
                "by_step": {"decision_parquet": 3},
                "by_kind": {"plainte": 1, "signalement": 2},
                "overdue": 1,
            },
        ),
        (
            {"bailleur": OTHER_BAILLEUR},
            [P1, S2],
            {
                "by_step": {"decision_parquet": 2},
                "by_kind": {"plainte": 1, "signalement": 1},
                "overdue": 1,
            },
        ),
        (
            {"commune": ETAMPES},
            [S2],
            {"by_step": {"decision_parquet": 1}, "by_kind": {"signalement": 1}, "overdue": 0},
        ),
        (
            {"assignee": "substitut-b"},
            [R1],
            {
                "by_step": {"demande_information_parquet": 1},
                "by_kind": {"resiliation": 1},
                "overdue": 0,
            },
        ),
        (
            {"kind": "plainte", "step": "transmission_decision"},
            [P2],
            {"by_step": {"transmission_decision": 1}, "by_kind": {"plainte": 1}, "overdue": 0},
        ),
        (
            {"bailleur": BAILLEUR, "overdue": "true"},
            [],
            {"by_step": {}, "by_kind": {}, "overdue": 0},
        ),
    ],
)
async def test_parquet_filters_its_inbox_and_counts_what_is_left(
    client: httpx.AsyncClient,
    auth: Tokens,
    params: dict[str, Any],
    expected: list[str],
    counts: dict[str, Any],
) -> None:
    response = await client.get(
        "/api/tasks", params=params, headers=auth(PARQUET, "manager", "chef-parquet")
    )
    assert response.status_code == 200, response.text
    assert [t["procedure_id"] for t in response.json()["items"]] == expected
    assert response.json()["counts"] == counts


@pytest.mark.usefixtures("parquet_rows")
async def test_mine_lists_the_steps_assigned_to_the_caller_in_its_organisation(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    mine = await client.get(
        "/api/tasks", params={"mine": "true"}, headers=auth(PARQUET, "agent", "substitut-a")
    )
    assert _keys(mine.json()) == [(P1, "decision_parquet"), (S1, "decision_parquet")]
    # The police step of S1 is assigned to a "substitut-a" too, but of another organisation.
    police = await client.get(
        "/api/tasks", params={"mine": "true"}, headers=auth(POLICE_EVRY, "agent", "substitut-a")
    )
    assert _keys(police.json()) == [(S1, "accuse_reception")]
    nobody = await client.get(
        "/api/tasks", params={"mine": "true"}, headers=auth(PARQUET, "agent", "substitut-z")
    )
    assert nobody.json()["items"] == [] and nobody.json()["total"] == 0


@pytest.mark.usefixtures("parquet_rows")
async def test_only_managers_list_the_steps_of_another_person(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    agent = auth(PARQUET, "agent", "substitut-a")
    other = await client.get("/api/tasks", params={"assignee": "substitut-b"}, headers=agent)
    assert other.status_code == 403 and "responsables" in other.json()["detail"]
    own = await client.get("/api/tasks", params={"assignee": "substitut-a"}, headers=agent)
    assert own.status_code == 200 and len(own.json()["items"]) == 2
    admin = await client.get(
        "/api/tasks", params={"assignee": "substitut-b"}, headers=auth(PARQUET, "admin")
    )
    assert _keys(admin.json()) == [(R1, "demande_information_parquet")]


@pytest.mark.usefixtures("parquet_rows")
async def test_a_bailleur_sees_none_of_the_parquets_requests(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    body = await _tasks(client, auth, OTHER_BAILLEUR)
    assert body["items"] == [] and body["counts"] == {"by_step": {}, "by_kind": {}, "overdue": 0}
