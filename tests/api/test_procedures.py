"""Listing and reading procedures from the read model."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from domain.actors import Actor
from domain.contracts import ProcedureStatus
from domain.steps import StepStatus
from tests.api.rows import (
    BAILLEUR,
    ETAMPES,
    EVRY,
    PARQUET,
    POLICE_ETAMPES,
    POLICE_EVRY,
    project,
    step,
)
from tests.fixtures import Tokens

NOV = date(2026, 11, 2)


def _id(number: int) -> str:
    return f"signalement-2026-{number:06d}"


@pytest.fixture
def several(engine: Engine) -> None:
    """Five procedures of one bailleur, in two communes, due on different days."""
    reception = step("accuse_reception", POLICE_EVRY, NOV, due=date(2026, 11, 20))
    project(engine, _id(1), [reception], description="Hall B2 squatté le soir")
    late = step("retour_information", POLICE_EVRY, NOV, due=date(2026, 11, 10), overdue=True)
    project(engine, _id(2), [late], description="Tags dans la cage d'escalier")
    parquet = step("decision_parquet", PARQUET, NOV, actor=Actor.PARQUET, due=date(2027, 1, 4))
    project(engine, _id(3), [parquet], commune=ETAMPES, description="Trafic au pied de la tour")
    etampes = step("accuse_reception", POLICE_ETAMPES, NOV, due=date(2026, 11, 15))
    project(engine, _id(4), [etampes], commune=ETAMPES, description="Nuisances 100% nocturnes")
    closed = step(
        "cloture", BAILLEUR, NOV, actor=Actor.BAILLEUR, status=StepStatus.DONE, completed_on=NOV
    )
    project(engine, _id(5), [closed], status=ProcedureStatus.CLOSED, description="Réglé")


async def _ids(
    client: httpx.AsyncClient, auth: Tokens, role: str = "agent", **params: Any
) -> list[str]:
    response = await client.get("/api/procedures", params=params, headers=auth(BAILLEUR, role))
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.usefixtures("several")
async def test_list_is_ordered_by_next_due_then_id_with_undated_last(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    assert await _ids(client, auth) == [_id(2), _id(4), _id(1), _id(3), _id(5)]


@pytest.mark.usefixtures("several")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "closed"}, [5]),
        ({"status": "open", "commune": ETAMPES}, [4, 3]),
        ({"actor": "parquet"}, [3]),
        ({"actor": "forces"}, [2, 4, 1]),
        ({"org": POLICE_EVRY}, [2, 1]),
        ({"overdue": "true"}, [2]),
        ({"overdue": "false", "commune": EVRY}, [1, 5]),
        ({"q": "signalement-2026-000003"}, [3]),
        ({"kind": "plainte"}, []),
    ],
)
async def test_list_filters(
    client: httpx.AsyncClient, auth: Tokens, params: dict[str, Any], expected: list[int]
) -> None:
    assert await _ids(client, auth, **params) == [_id(n) for n in expected]


@pytest.mark.usefixtures("several")
@pytest.mark.parametrize(
    ("query", "expected"),
    [("CAGE d'escalier", [2]), ("100%", [4]), ("%", [4]), ("_", [])],
)
async def test_the_legal_team_searches_the_account_of_the_facts_literally(
    client: httpx.AsyncClient, auth: Tokens, query: str, expected: list[int]
) -> None:
    assert await _ids(client, auth, "juriste", q=query) == [_id(n) for n in expected]


@pytest.mark.usefixtures("several")
async def test_an_agent_does_not_find_a_procedure_by_the_facts_it_may_not_read(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    assert await _ids(client, auth, "agent", q="cage d'escalier") == []


@pytest.mark.usefixtures("several")
async def test_list_pages(client: httpx.AsyncClient, auth: Tokens) -> None:
    response = await client.get(
        "/api/procedures", params={"page": 2, "per_page": 2}, headers=auth(BAILLEUR)
    )
    body = response.json()
    assert (body["total"], body["page"], body["per_page"]) == (5, 2, 2)
    assert [item["id"] for item in body["items"]] == [_id(1), _id(3)]
    summary = body["items"][0]
    assert summary["commune"] == {"insee": EVRY, "name": "Évry-Courcouronnes"}
    assert summary["bailleur"]["id"] == BAILLEUR and summary["bailleur"]["name"]
    assert summary["pending_actors"] == ["forces"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"per_page": 201}, "Paramètre invalide : per_page : doit être inférieur ou égal à 200"),
        ({"page": 0}, "page : doit être supérieur ou égal à 1"),
        ({"status": "perdu"}, "status : valeur invalide (valeurs possibles : "),
        ({"overdue": "peut-être"}, "overdue : booléen attendu"),
    ],
)
async def test_list_refuses_bad_parameters_in_french(
    client: httpx.AsyncClient, auth: Tokens, params: dict[str, Any], expected: str
) -> None:
    response = await client.get("/api/procedures", params=params, headers=auth(BAILLEUR))
    assert response.status_code == 422
    assert expected in response.json()["detail"]


async def test_detail_shows_steps_in_order_with_events_and_outcomes(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    done = step(
        "accuse_reception",
        POLICE_EVRY,
        NOV,
        status=StepStatus.DONE,
        outcome="recu",
        completed_on=date(2026, 11, 3),
        label="Accusé de réception du signalement",
    )
    feedback = step(
        "retour_information", POLICE_EVRY, date(2026, 11, 3), due=date(2026, 11, 18), hour=11
    )
    project(engine, _id(1), [feedback, done])
    response = await client.get(f"/api/procedures/{_id(1)}", headers=auth(BAILLEUR))
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "signalement" and body["status"] == "open"
    assert body["commune"] == {"insee": EVRY, "name": "Évry-Courcouronnes"}
    assert body["next_due"] == "2026-11-18"
    assert [s["key"] for s in body["steps"]] == ["accuse_reception", "retour_information"]
    first, second = body["steps"]
    assert first["outcome_label"] == "Signalement reçu" and first["outcomes"] == []
    assert first["completed_on"] == "2026-11-03" and first["completed_by"]
    assert second["org"] == POLICE_EVRY and "Evry" in second["org_name"]
    assert second["due_explanation"] == "échéance de retour_information"
    assert "sans_suite" in [o["key"] for o in second["outcomes"]]
    assert [e["seq"] for e in body["events"]] == [1, 2, 3]
    assert body["events"][1]["org"] == POLICE_EVRY
    assert body["documents"] == [] and body["links"] == []
