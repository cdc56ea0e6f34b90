"""The inbox of an organisation: its pending steps, filtered and sorted."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from domain.actors import Actor
from domain.contracts import ProcedureStatus
from domain.steps import StepStatus
from quietude.procedures import today_in_paris
from tests.api.rows import (
    BAILLEUR,
    EVRY,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    assigned,
    at,
    parquet_step,
    project,
    project_kind,
    step,
)
from tests.fixtures import Tokens


def _id(number: int) -> str:
    return f"signalement-2026-{number:06d}"


@pytest.fixture
def inbox_rows(engine: Engine) -> None:
    """Steps of the police of Évry: undated, late, due soon, due later, done, and others'."""
    project(engine, _id(1), [step("enquete", POLICE_EVRY, date(2026, 10, 1), label="Enquête")])
    project(
        engine,
        _id(2),
        [
            step(
                "retour_information",
                POLICE_EVRY,
                date(2026, 10, 20),
                due=date(2026, 11, 4),
                overdue=True,
            ),
        ],
    )
    project(
        engine,
        _id(3),
        [
            step("accuse_reception", POLICE_EVRY, date(2026, 11, 20), due=date(2026, 11, 24)),
        ],
        bailleur=OTHER_BAILLEUR,
    )
    project(
        engine,
        _id(4),
        [
            step("accuse_reception", POLICE_EVRY, date(2026, 11, 18), due=date(2026, 11, 24)),
            step(
                "decision_parquet",
                PARQUET,
                date(2026, 11, 18),
                actor=Actor.PARQUET,
                due=date(2026, 12, 1),
            ),
        ],
    )
    project(
        engine,
        _id(5),
        [
            step(
                "accuse_reception",
                POLICE_EVRY,
                date(2026, 11, 2),
                status=StepStatus.DONE,
                completed_on=date(2026, 11, 3),
                outcome="recu",
            ),
            step("retour_information", POLICE_EVRY, date(2026, 11, 3), due=date(2026, 12, 15)),
        ],
    )
    # A pending step of a withdrawn procedure is no task.
    project(
        engine,
        _id(6),
        [step("accuse_reception", POLICE_EVRY, date(2026, 11, 1))],
        status=ProcedureStatus.CANCELLED,
    )


async def _tasks(
    client: httpx.AsyncClient, auth: Tokens, org: str = POLICE_EVRY, **params: Any
) -> dict[str, Any]:
    response = await client.get("/api/tasks", params=params, headers=auth(org))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.usefixtures("inbox_rows")
async def test_inbox_sorts_by_due_date_then_opening_with_undated_last(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    body = await _tasks(client, auth)
    keys = [(t["procedure_id"], t["key"]) for t in body["items"]]
    assert keys == [
        (_id(2), "retour_information"),
        (_id(4), "accuse_reception"),  # same due date, opened first
        (_id(3), "accuse_reception"),
        (_id(5), "retour_information"),
        (_id(1), "enquete"),
    ]
    assert body["total"] == 5


@pytest.mark.usefixtures("inbox_rows")
async def test_inbox_items_carry_procedure_and_age(client: httpx.AsyncClient, auth: Tokens) -> None:
    late = (await _tasks(client, auth))["items"][0]
    assert late["overdue"] is True and late["due"] == "2026-11-04"
    assert late["age_days"] == (today_in_paris() - date(2026, 10, 20)).days
    assert late["due_explanation"] == "échéance de retour_information"
    assert late["commune"] == {"insee": EVRY, "name": "Évry-Courcouronnes"}
    assert late["bailleur"]["id"] == BAILLEUR
    assert late["kind"] == "signalement" and late["residence_nom"] == "Résidence des Tilleuls"
    assert late["title"] and late["label"]


@pytest.mark.usefixtures("inbox_rows")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"overdue": "true"}, [2]),
        ({"overdue": "false"}, [4, 3, 5, 1]),
        ({"due_before": "2026-11-24"}, [2, 4, 3]),
        ({"due_before": "2026-11-23"}, [2]),
        ({"kind": "plainte"}, []),
        ({"kind": "signalement", "overdue": "false", "due_before": "2026-12-31"}, [4, 3, 5]),
    ],
)
async def test_inbox_filters(
    client: httpx.AsyncClient, auth: Tokens, params: dict[str, Any], expected: list[int]
) -> None:
    body = await _tasks(client, auth, **params)
    assert [t["procedure_id"] for t in body["items"]] == [_id(n) for n in expected]


@pytest.mark.usefixtures("inbox_rows")
async def test_inbox_holds_only_the_callers_steps(client: httpx.AsyncClient, auth: Tokens) -> None:
    parquet = await _tasks(client, auth, PARQUET)
    bailleur = await _tasks(client, auth, BAILLEUR)
    assert [(t["procedure_id"], t["key"]) for t in parquet["items"]] == [
        (_id(4), "decision_parquet")
    ]
    assert bailleur["items"] == []


async def test_inbox_refuses_a_bad_date(client: httpx.AsyncClient, auth: Tokens) -> None:
    response = await client.get(
        "/api/tasks", params={"due_before": "demain"}, headers=auth(POLICE_EVRY)
    )
    assert response.status_code == 422
    assert "due_before : date invalide" in response.json()["detail"]


# ----- the parquet's side: every request waiting on it, filters, counts, assignees ----------

ETAMPES = "91223"


S1, S2 = "signalement-2026-000101", "signalement-2026-000102"
R1 = "resiliation-2026-000103"
P1, P2 = "plainte-2026-000104", "plainte-2026-000105"


@pytest.fixture
def parquet_rows(engine: Engine) -> None:
    """Requests waiting on the parquet from two bailleurs, and steps that are not its tasks."""
    # Imported on 25 November, but pending since 1 October: older than S2's step.
    imported = parquet_step("decision_parquet", date(2026, 10, 1), due=date(2026, 12, 1))
    imported.opened_at = at(date(2026, 11, 25))
    project_kind(
        engine,
        S1,
        [
            assigned(imported, "substitut-a"),
            assigned(step("accuse_reception", POLICE_EVRY, date(2026, 10, 1)), "substitut-a"),
        ],
    )
    project_kind(
        engine,
        S2,
        [parquet_step("decision_parquet", date(2026, 10, 15), due=date(2026, 12, 1))],
        bailleur=OTHER_BAILLEUR,
        commune=ETAMPES,
    )
    project_kind(
        engine,
        R1,
        [
            assigned(
                parquet_step(
                    "demande_information_parquet", date(2026, 11, 20), due=date(2026, 12, 10)
                ),
                "substitut-b",
            )
        ],
    )
    project_kind(
        engine,
        P1,
        [
            step(
                "enquete",
                POLICE_EVRY,
                date(2026, 5, 2),
                status=StepStatus.DONE,
                completed_on=date(2026, 8, 1),
                outcome="transmise_parquet",
            ),
            assigned(
                parquet_step(
                    "decision_parquet", date(2026, 8, 1), due=date(2026, 11, 2), overdue=True
                ),
                "substitut-a",
            ),
        ],
        bailleur=OTHER_BAILLEUR,
    )
    project_kind(
        engine,
        P2,
        [
            assigned(
                parquet_step(
                    "decision_parquet",
                    date(2026, 9, 1),
                    status=StepStatus.DONE,
                    completed_on=date(2026, 10, 1),
                    outcome="poursuites",
                ),
                "substitut-a",
            ),
            parquet_step("transmission_decision", date(2026, 11, 1)),
        ],
    )


def _keys(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t["procedure_id"], t["key"]) for t in body["items"]]


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
