"""The end of the trêve hivernale per year over HTTP: anyone reads it, an administrator moves it
within what the law allows, and the running procedures are told."""

from datetime import date
from typing import Any

import httpx
import pytest

from quietude.procedures import TemporalUnavailable
from quietude.treve import TreveChange
from tests.api.rows import BAILLEUR, POLICE_EVRY, FakeService
from tests.builders import PARQUET, PREFECTURE
from tests.fixtures import Tokens

MAY_2027 = {"fin": "2027-05-31", "motif": "loi n° 2027-123 du 20 mars 2027"}


async def test_an_admin_moves_the_end_of_a_winter_and_everyone_reads_it(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService
) -> None:
    response = await client.put(
        "/api/treve/2027", json=MAY_2027, headers=auth(PREFECTURE, "admin", "chef@prefecture")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["procedures_mises_a_jour"] == 1
    assert (body["procedures_deja_a_jour"], body["procedures_en_echec"]) == (0, 0)
    [(name, change)] = service.calls
    assert name == "change_treve"
    assert change == TreveChange(
        year=2027, ends_on=date(2027, 5, 31), reason=MAY_2027["motif"], sub="chef@prefecture"
    )

    listed = await client.get("/api/treve", headers=auth(POLICE_EVRY, "agent"))
    assert listed.status_code == 200
    years = {year["annee"]: year for year in listed.json()["annees"]}
    assert {y: years[y]["fin"] for y in years} == {
        2020: "2020-07-10",
        2021: "2021-05-31",
        2027: "2027-05-31",
    }
    assert years[2027]["motif"] == MAY_2027["motif"]
    assert years[2027]["modifie_par"] == "chef@prefecture"
    assert "ordonnance n° 2021-141" in years[2021]["motif"]
    assert "31 mars" in listed.json()["ordinaire"]


async def test_the_earliest_expulsion_follows_the_moved_trêve(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    params = {"not_before": "2027-04-15"}
    before = await client.get("/api/calendar/expulsion", params=params, headers=auth(BAILLEUR))
    assert before.json()["earliest"] == "2027-04-15"
    await client.put("/api/treve/2027", json=MAY_2027, headers=auth(PREFECTURE, "admin"))
    after = await client.get("/api/calendar/expulsion", params=params, headers=auth(BAILLEUR))
    assert after.json()["earliest"] == "2027-06-01"
    assert "fin reportée par un texte exceptionnel" in after.json()["explanation"]


@pytest.mark.parametrize("role", ["agent", "juriste", "manager"])
async def test_only_an_admin_may_move_the_trêve(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService, role: str
) -> None:
    response = await client.put("/api/treve/2027", json=MAY_2027, headers=auth(BAILLEUR, role))
    assert response.status_code == 403
    assert response.json()["detail"] == "Réservé aux administrateurs : rôle « admin » requis."
    assert service.calls == []
    listed = await client.get("/api/treve", headers=auth(BAILLEUR, role))
    assert 2027 not in [year["annee"] for year in listed.json()["annees"]]


@pytest.mark.parametrize("org", [BAILLEUR, POLICE_EVRY, PARQUET])
async def test_a_partners_administrator_may_not_move_the_trêve(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService, org: str
) -> None:
    response = await client.put("/api/treve/2027", json=MAY_2027, headers=auth(org, "admin"))
    assert response.status_code == 403
    assert "administrateur d'une préfecture" in response.json()["detail"]
    assert service.calls == []


async def test_reading_the_trêve_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/treve")
    assert response.status_code == 401
    assert "Authentification requise" in response.json()["detail"]


@pytest.mark.parametrize(
    ("year", "body", "expected"),
    [
        (
            "2027",
            {"fin": "2027-03-15"},
            "Fin de la trêve 2027 impossible le 15/03/2027 : la trêve hivernale dure au moins "
            "jusqu'au 31/03/2027 (art. L. 412-6 CPCE), un texte ne peut que la prolonger.",
        ),
        (
            "2027",
            {"fin": "2027-11-15"},
            "Fin de la trêve 2027 impossible le 15/11/2027 : elle doit être fixée au plus tard "
            "le 31/10/2027, veille de la trêve suivante.",
        ),
        ("2027", {"fin": "2028-05-31"}, "au plus tard le 31/10/2027"),
        ("1999", {"fin": "1999-05-31"}, "Année 1999 invalide"),
        ("2027", {"fin": "2027-02-30"}, "Corps de requête invalide : fin : date invalide"),
        ("2027", {"motif": "loi"}, "Corps de requête invalide : fin : champ requis"),
        ("2027", {"fin": "2027-05-31", "annee": 2027}, "annee"),
        ("2027", {"fin": "2027-05-31", "motif": "x" * 301}, "motif"),
        ("deux-mille", {"fin": "2027-05-31"}, "Adresse invalide : annee"),
    ],
)
async def test_an_end_the_law_does_not_allow_is_refused_in_french(
    client: httpx.AsyncClient,
    auth: Tokens,
    service: FakeService,
    year: str,
    body: dict[str, Any],
    expected: str,
) -> None:
    response = await client.put(f"/api/treve/{year}", json=body, headers=auth(PREFECTURE, "admin"))
    assert response.status_code == 422
    assert expected in response.json()["detail"]
    assert service.calls == []


async def test_temporal_down_answers_503(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService
) -> None:
    service.error = TemporalUnavailable()
    response = await client.put("/api/treve/2027", json=MAY_2027, headers=auth(PREFECTURE, "admin"))
    assert response.status_code == 503
    assert "injoignable" in response.json()["detail"]
