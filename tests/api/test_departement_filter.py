"""The département filter of the procedure list, the dashboard and the diagnostics, for a
landlord across départements (demo-foyers-idf: Évry, Bobigny, Nanterre); the convention shown
follows the département chosen, else the caller's."""

from datetime import date

import httpx
import pytest
from sqlalchemy import Engine

from tests.api.rows import EVRY, POLICE_EVRY, late, project, signalement_id, step
from tests.fixtures import Tokens

FOYERS = "demo-foyers-idf"
BOBIGNY, NANTERRE = "93008", "92050"
OPENED = date(2026, 11, 2)
ESSONNE_CONVENTION = (
    "Convention sécurité – tranquillité résidentielle de l'Essonne du 14 septembre 2021"
)
NONE_SIGNED = "aucune convention signée : objectifs par défaut"
# One procedure per commune, waiting for its unit; Bobigny's overdue.
PLACES = {
    signalement_id(41): (EVRY, POLICE_EVRY, False),
    signalement_id(42): (BOBIGNY, "police-bobigny", True),
    signalement_id(43): (NANTERRE, "police-nanterre", False),
}


@pytest.fixture
def across(engine: Engine) -> None:
    """The landlord's three procedures, in Essonne, Seine-Saint-Denis and Hauts-de-Seine."""
    for procedure_id, (commune, unit, overdue) in PLACES.items():
        pending = (
            late("retour_information", unit, OPENED, date(2026, 11, 10))
            if overdue
            else step("accuse_reception", unit, OPENED)
        )
        project(engine, procedure_id, [pending], bailleur=FOYERS, commune=commune)


async def _ids(client: httpx.AsyncClient, auth: Tokens, **params: str) -> set[str]:
    response = await client.get("/api/procedures", params=params, headers=auth(FOYERS, "juriste"))
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.usefixtures("across")
async def test_the_list_is_cut_by_departement(client: httpx.AsyncClient, auth: Tokens) -> None:
    assert await _ids(client, auth) == set(PLACES)
    assert await _ids(client, auth, departement="93") == {signalement_id(42)}
    assert await _ids(client, auth, departement="92") == {signalement_id(43)}
    assert await _ids(client, auth, departement="91", commune=EVRY) == {signalement_id(41)}
    assert await _ids(client, auth, departement="77") == set()


@pytest.mark.parametrize("path", ["/api/procedures", "/api/dashboard", "/api/diagnostics"])
async def test_a_departement_not_loaded_is_refused_in_french(
    client: httpx.AsyncClient, auth: Tokens, path: str
) -> None:
    response = await client.get(path, params={"departement": "33"}, headers=auth(FOYERS, "admin"))
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Département inconnu : 33 (code d'un département servi attendu : "
        "75, 77, 78, 91, 92, 93, 94, 95)."
    )


async def _dashboard(client: httpx.AsyncClient, auth: Tokens, org: str, **params: str) -> dict:
    response = await client.get("/api/dashboard", params=params, headers=auth(org, "manager"))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.usefixtures("across")
async def test_the_dashboard_is_cut_by_departement(client: httpx.AsyncClient, auth: Tokens) -> None:
    whole = await _dashboard(client, auth, FOYERS)
    assert (whole["pending"], whole["overdue"]) == (3, 1)
    assert whole["convention"] is None  # three départements in view, each its own
    bobigny = await _dashboard(client, auth, FOYERS, departement="93")
    assert (bobigny["pending"], bobigny["overdue"]) == (1, 1)
    assert [row["procedure_id"] for row in bobigny["oldest_overdue"]] == [signalement_id(42)]
    assert bobigny["convention"]["departement"] == "93"
    assert bobigny["convention"]["label"] == NONE_SIGNED
    essonne = await _dashboard(client, auth, FOYERS, departement="91")
    assert (essonne["pending"], essonne["overdue"], essonne["oldest_overdue"]) == (1, 0, [])
    assert essonne["convention"]["label"] == ESSONNE_CONVENTION


async def test_a_partner_sees_its_own_departements_convention(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    police = await _dashboard(client, auth, "police-bobigny")
    assert police["convention"]["departement"] == "93"
    essonne = await _dashboard(client, auth, "parquet-evry")
    assert essonne["convention"]["label"] == ESSONNE_CONVENTION


@pytest.mark.usefixtures("across")
async def test_the_diagnostics_are_cut_by_departement(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    headers = auth(FOYERS, "manager")
    period = {"from": "2026-01-01", "to": "2026-12-31"}
    totals = {}
    for departement in ("", "91", "92", "93"):
        params = {**period, "departement": departement} if departement else period
        response = await client.get("/api/diagnostics", params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        totals[departement] = body["totals"]["signalement"]["valeur"]
        assert body["territory"]["departement"] == (departement or None)
    assert totals == {"": 3, "91": 1, "92": 1, "93": 1}
    report = await client.get(
        "/api/diagnostics/report.docx", params={**period, "departement": "93"}, headers=headers
    )
    assert report.status_code == 200
    assert "diagnostic-local-93-" in report.headers["content-disposition"]
