"""Paging and date parameters out of their bounds: a 422 in French naming the parameter and the
range, never a server error (the three 500s fuzzing found against a running stack)."""

import httpx
import pytest

from tests.api.rows import BAILLEUR, POLICE_EVRY
from tests.fixtures import Tokens

HUGE = "9" * 40  # over 2**63: SQLite could not bind its offset (OverflowError)


@pytest.mark.parametrize("path", ["/api/procedures", "/api/tasks"])
async def test_a_huge_page_is_refused_naming_the_page_and_its_bound(
    client: httpx.AsyncClient, auth: Tokens, path: str
) -> None:
    response = await client.get(path, params={"page": HUGE}, headers=auth(BAILLEUR, "juriste"))
    assert response.status_code == 422, response.text
    assert "page : doit être inférieur ou égal à 10000" in response.json()["detail"]


async def test_the_last_allowed_page_is_answered_empty(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    response = await client.get(
        "/api/procedures", params={"page": 10_000}, headers=auth(BAILLEUR, "juriste")
    )
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


@pytest.mark.parametrize("end", ["0", "3946-07-07", "1999-12-31"])
async def test_a_report_period_ending_out_of_bounds_is_refused(
    client: httpx.AsyncClient, auth: Tokens, end: str
) -> None:
    response = await client.get(
        "/api/diagnostics/report.docx",
        params={"to": end},
        headers=auth(POLICE_EVRY, "manager"),
    )
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail.startswith("Paramètre invalide : to : date entre le 01/01/2000 et le 31/12/")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/diagnostics", {"from": "1970-01-01"}),
        ("/api/tasks", {"due_before": "9999-12-31"}),
        ("/api/calendar/deadline", {"from": "9999-12-31", "months": "10000"}),
        ("/api/calendar/expulsion", {"not_before": "9999-12-31"}),
        ("/api/calendar/expulsion", {"not_before": "2027-01-01", "concours_le": "0001-01-01"}),
        ("/api/access-log", {"since": "9999-12-31T23:59:59-14:00"}),
    ],
)
async def test_every_date_parameter_is_bounded(
    client: httpx.AsyncClient, auth: Tokens, path: str, params: dict[str, str]
) -> None:
    response = await client.get(path, params=params, headers=auth(POLICE_EVRY, "admin"))
    assert response.status_code == 422, response.text
    assert "date entre le 01/01/2000 et le 31/12/" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "options"),
    [
        ("GET", "/api/procedures?q=a%00b", {}),
        ("GET", "/api/procedures/signalement-2026%00", {}),
        ("POST", "/api/procedures", {"content": b'{"kind": "signalement\\u0000"}'}),
    ],
)
async def test_a_nul_character_is_refused_before_it_reaches_the_database(
    client: httpx.AsyncClient, auth: Tokens, method: str, path: str, options: dict
) -> None:
    headers = {**auth(BAILLEUR, "juriste"), "Content-Type": "application/json"}
    response = await client.request(method, path, headers=headers, **options)
    assert response.status_code == 422, response.text
    assert "caractère nul (U+0000) refusé" in response.json()["detail"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
