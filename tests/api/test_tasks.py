"""The inbox of an organisation: its pending steps, filtered and sorted."""

from datetime import date
from functools import partial
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from domain.contracts import ProcedureStatus
from quietude.procedures import today_in_paris
from tests.api.rows import (
    BAILLEUR,
    EVRY,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    done,
    late,
    parquet_step,
    project,
    signalement_id,
    step,
)
from tests.fixtures import Tokens

_id = signalement_id


@pytest.fixture
def inbox_rows(engine: Engine) -> None:
    """Steps of the police of Évry: undated, late, due soon, due later, done, and others'."""
    day = partial(date, 2026)
    parquet_decision = parquet_step("decision_parquet", day(11, 18), due=day(12, 1))
    project(engine, _id(1), [step("enquete", POLICE_EVRY, day(10, 1), label="Enquête")])
    project(engine, _id(2), [late("retour_information", POLICE_EVRY, day(10, 20), day(11, 4))])
    soon = step("accuse_reception", POLICE_EVRY, day(11, 20), due=day(11, 24))
    project(engine, _id(3), [soon], bailleur=OTHER_BAILLEUR)
    also_soon = step("accuse_reception", POLICE_EVRY, day(11, 18), due=day(11, 24))
    project(engine, _id(4), [also_soon, parquet_decision])
    acknowledged = done("accuse_reception", POLICE_EVRY, day(11, 2), day(11, 3), outcome="recu")
    later = step("retour_information", POLICE_EVRY, day(11, 3), due=day(12, 15))
    project(engine, _id(5), [acknowledged, later])
    # A pending step of a withdrawn procedure is no task.
    withdrawn = [step("accuse_reception", POLICE_EVRY, day(11, 1))]
    project(engine, _id(6), withdrawn, status=ProcedureStatus.CANCELLED)


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
