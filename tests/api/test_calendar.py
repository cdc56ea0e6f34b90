"""Legal deadlines and the earliest expulsion date over HTTP."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from quietude.settings import Settings
from tests.api.rows import BAILLEUR
from tests.fixtures import Tokens


async def test_one_month_from_31_january_ends_on_monday_2_march(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    response = await client.get(
        "/api/calendar/deadline", params={"from": "2026-01-31", "months": 1}, headers=auth(BAILLEUR)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["nominal"] == "2026-02-28"
    assert body["due"] == "2026-03-02"
    assert "samedi" in body["explanation"] and "642" in body["explanation"]
    assert body["legal_basis"] == "art. 640 à 642 CPC"
    assert [s["from_date"] for s in body["shifts"]] == ["2026-02-28", "2026-03-01"]


async def test_months_then_days_and_penal_regime(client: httpx.AsyncClient, auth: Tokens) -> None:
    params: dict[str, Any] = {"from": "2026-01-31", "months": 1, "days": 3, "regime": "penal"}
    response = await client.get("/api/calendar/deadline", params=params, headers=auth(BAILLEUR))
    body = response.json()
    # 28 February + 3 days = Tuesday 3 March, a working day.
    assert (body["due"], body["shifts"]) == ("2026-03-03", [])
    assert body["legal_basis"] == "art. 801 CPP"


async def test_working_days_skip_public_holidays(client: httpx.AsyncClient, auth: Tokens) -> None:
    params: dict[str, Any] = {"from": "2026-04-30", "working_days": 2, "regime": "sla"}
    response = await client.get("/api/calendar/deadline", params=params, headers=auth(BAILLEUR))
    # Friday 1 May is a public holiday: Monday 4 and Tuesday 5 May are the two working days.
    assert response.json()["due"] == "2026-05-05"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"from": "2026-01-31"}, "indiquer « months », « days » ou « working_days »"),
        ({"from": "2026-02-30", "days": 1}, "Paramètre invalide : from : date invalide"),
        ({"days": 1}, "Paramètre invalide : from : champ requis"),
        ({"from": "2026-01-31", "days": -1}, "days : doit être supérieur ou égal à 0"),
        (
            {"from": "2026-01-31", "days": 2, "working_days": 2},
            "Délai invalide : des jours ouvrés ne se combinent pas",
        ),
        ({"from": "2026-01-31", "days": 1, "regime": "fiscal"}, "regime : valeur invalide"),
    ],
)
async def test_invalid_deadline_requests_answer_422_in_french(
    client: httpx.AsyncClient, auth: Tokens, params: dict[str, Any], expected: str
) -> None:
    response = await client.get("/api/calendar/deadline", params=params, headers=auth(BAILLEUR))
    assert response.status_code == 422
    assert expected in response.json()["detail"]


async def test_expulsion_waits_for_the_end_of_the_treve(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    response = await client.get(
        "/api/calendar/expulsion", params={"not_before": "2025-11-17"}, headers=auth(BAILLEUR)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["earliest"] == "2026-04-01"
    assert "trêve hivernale" in body["explanation"]
    assert body["shifts"][0]["to_date"] == "2026-04-01"


async def test_expulsion_follows_the_configured_treve_end(
    app: FastAPI, client: httpx.AsyncClient, auth: Tokens, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(update={"treve_end": "05-31"})
    response = await client.get(
        "/api/calendar/expulsion", params={"not_before": "2025-11-17"}, headers=auth(BAILLEUR)
    )
    assert response.json()["earliest"] == "2026-06-01"


async def test_expulsion_exception_and_concours(client: httpx.AsyncClient, auth: Tokens) -> None:
    params = {"not_before": "2025-11-17", "exception": "true", "concours_le": "2025-12-25"}
    response = await client.get("/api/calendar/expulsion", params=params, headers=auth(BAILLEUR))
    # Exception to the trêve; 25 December is a holiday, so Friday 26 December.
    assert response.json()["earliest"] == "2025-12-26"
