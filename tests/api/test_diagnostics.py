"""GET /api/diagnostics and its report: filters, visibility, suppression for partners."""

import io

import docx
import httpx
import pytest
from sqlalchemy import Engine

from tests.fixtures import Tokens
from tests.store import diagnostic_rows as rows

ESSONNE_CONVENTION = (
    "Convention sécurité – tranquillité résidentielle de l'Essonne du 14 septembre 2021"
)
PERIOD = {"from": "2026-01-01", "to": "2026-06-30", "commune": rows.EVRY}


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    """The hand-made set of procedures."""
    rows.load(engine)
    return engine


async def test_owner_gets_exact_figures(
    client: httpx.AsyncClient, auth: Tokens, loaded: Engine
) -> None:
    response = await client.get(
        "/api/diagnostics", params=PERIOD, headers=auth(rows.BAILLEUR, "manager")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["exact"] is True
    assert body["totals"]["signalement"] == {"valeur": 8, "supprime": False}
    assert body["by_category"]["signalement"]["troubles_jouissance"]["valeur"] == 2
    assert body["by_hour"][22]["valeur"] == 6
    accuse = next(t for t in body["response_times"] if t["step_key"] == "accuse_reception")
    assert (accuse["median_days"], accuse["p90_days"]) == (1.5, 10.0)
    assert [h["level"] for h in body["halls"]] == [3, 2, 1]
    assert body["halls_total"] == 3
    assert body["previous_period"] == {"start": "2025-07-04", "end": "2025-12-31"}
    assert body["convention"]["departement"] == "91"
    assert body["convention"]["date"] == "2021-09-14"
    assert body["convention"]["label"] == ESSONNE_CONVENTION


async def test_partner_gets_suppressed_aggregates_without_names(
    client: httpx.AsyncClient, auth: Tokens, loaded: Engine
) -> None:
    response = await client.get(
        "/api/diagnostics", params=PERIOD, headers=auth(rows.POLICE_EVRY, "agent")
    )
    body = response.json()
    assert body["exact"] is False
    assert body["by_category"]["signalement"]["degradations"] == {"valeur": None, "supprime": True}
    assert "Durand" not in response.text and "Lefèvre" not in response.text


async def test_prefecture_admin_sees_the_whole_convention(
    client: httpx.AsyncClient, auth: Tokens, loaded: Engine
) -> None:
    response = await client.get(
        "/api/diagnostics", params=PERIOD, headers=auth("prefecture-91", "admin")
    )
    totals = response.json()["totals"]
    assert totals["signalement"]["valeur"] == 11
    assert totals["plainte"] == {"valeur": None, "supprime": True}


async def test_only_the_worst_halls_are_listed_and_all_are_counted(
    client: httpx.AsyncClient, auth: Tokens, loaded: Engine
) -> None:
    headers = auth(rows.BAILLEUR, "manager")
    response = await client.get(
        "/api/diagnostics", params=PERIOD | {"halls_max": 1}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(h["batiment"], h["hall"], h["level"]) for h in body["halls"]] == [("A", "1", 3)]
    assert body["halls_total"] == 3
    refused = await client.get("/api/diagnostics", params={"halls_max": 0}, headers=headers)
    assert refused.status_code == 422


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"commune": "99999"}, "Commune inconnue : 99999"),
        ({"arrondissement": "919"}, "Arrondissement inconnu"),
        ({"unite": "parquet-evry"}, "Unité inconnue"),
        ({"hall": "2"}, "préciser « residence »"),
        ({"from": "2026-06-01", "to": "2026-01-01"}, "Période invalide"),
        ({"from": "2026-13-01"}, "date invalide"),
    ],
)
async def test_bad_filters_are_refused_in_french(
    client: httpx.AsyncClient, auth: Tokens, params: dict[str, str], message: str
) -> None:
    response = await client.get(
        "/api/diagnostics", params=params, headers=auth(rows.BAILLEUR, "manager")
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]


async def test_diagnostics_need_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/diagnostics")).status_code == 401


async def test_report_has_charts_and_tables(
    client: httpx.AsyncClient, auth: Tokens, loaded: Engine
) -> None:
    response = await client.get(
        "/api/diagnostics/report.docx", params=PERIOD, headers=auth(rows.POLICE_EVRY, "manager")
    )
    assert response.status_code == 200, response.text
    document = docx.Document(io.BytesIO(response.content))
    assert len(document.inline_shapes) == 4
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Évry-Courcouronnes" in cells
    assert "du 1er janvier 2026 au 30 juin 2026" in cells
    assert "Occupation des halls" in cells and "< seuil" in cells
    assert ESSONNE_CONVENTION in cells
    again = await client.get(
        "/api/diagnostics/report.docx", params=PERIOD, headers=auth(rows.POLICE_EVRY, "manager")
    )
    assert again.content == response.content
