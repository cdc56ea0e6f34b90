"""Search by what people know (number, address, résidence, commune, references, names), in the
procedure list and the inbox, without accents or case, and never by a fact the caller may not
read."""

from typing import Any

import httpx
import pytest

from tests.api.rows import BAILLEUR, PARQUET, POLICE_ETAMPES
from tests.api.search_rows import RESILIATION, SIGNALEMENT
from tests.fixtures import Tokens


async def _found(
    client: httpx.AsyncClient, auth: Tokens, org: str, role: str, query: str
) -> list[str]:
    response = await client.get("/api/procedures", params={"q": query}, headers=auth(org, role))
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def _tasks(client: httpx.AsyncClient, auth: Tokens, org: str, **params: Any) -> Any:
    response = await client.get("/api/tasks", params=params, headers=auth(org, "juriste"))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.usefixtures("searched")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rue des Lilas", [RESILIATION]),  # address, each term
        ("LGT-0042", [RESILIATION]),  # the dwelling's reference
        ("b-2019-0042", [RESILIATION]),  # the lease's reference
        ("Évry", [RESILIATION]),  # the commune's name, from the reference table
        ("evry-courcouronnes", [RESILIATION]),
        ("ETAMPES", [SIGNALEMENT]),  # Étampes
        ("oeillet", [SIGNALEMENT]),  # Œillet
        ("érables", [SIGNALEMENT]),  # the résidence
        ("quietudetest", [RESILIATION]),  # a tenant's name
        ("Zephyrin QUIÉTUDETEST", [RESILIATION]),
        ("kevin durand", [SIGNALEMENT]),  # a person concerned
        ("signalement-2026-000002", [SIGNALEMENT]),  # the number
        ("91223", [SIGNALEMENT]),  # the commune's code
        ("boite aux lettres", [SIGNALEMENT]),  # the account of the facts
        ("lilas etampes", []),  # every term must be found
        ("tilleuls", [RESILIATION]),
    ],
)
async def test_the_legal_team_finds_a_procedure_by_what_it_knows(
    client: httpx.AsyncClient, auth: Tokens, query: str, expected: list[str]
) -> None:
    assert await _found(client, auth, BAILLEUR, "juriste", query) == expected


@pytest.mark.usefixtures("searched")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("durand", []),  # names: personal data
        ("zephyrin", []),
        ("LGT-0042", []),  # the lease and the dwelling are the legal team's
        ("b-2019-0042", []),
        ("boite", []),  # the account of the facts
        ("lilas", []),  # the résiliation's address is in its dwelling, which it does not read
        ("oeillet", [SIGNALEMENT]),  # where a procedure is: it reads the résidence
        ("erables etampes", [SIGNALEMENT]),
        ("tilleuls evry", [RESILIATION]),
    ],
)
async def test_a_bailleur_agent_finds_nothing_by_a_fact_it_may_not_read(
    client: httpx.AsyncClient, auth: Tokens, query: str, expected: list[str]
) -> None:
    assert await _found(client, auth, BAILLEUR, "agent", query) == expected


@pytest.mark.usefixtures("searched")
@pytest.mark.parametrize(
    ("org", "query", "expected"),
    [
        # A résiliation shares its tenants, dwelling and lease with the parquet.
        (PARQUET, "quietudetest", [RESILIATION]),
        (PARQUET, "lgt-0042", [RESILIATION]),
        # A signalement shares the account of the facts, not the persons it names.
        (PARQUET, "durand", []),
        (PARQUET, "kevin", []),
        (PARQUET, "boite aux lettres", [SIGNALEMENT]),
        (POLICE_ETAMPES, "durand", []),
        (POLICE_ETAMPES, "oeillet", [SIGNALEMENT]),
        # Only the procedures it sees: the police of Étampes does not hold the résiliation.
        (POLICE_ETAMPES, "quietudetest", []),
        (POLICE_ETAMPES, "evry", []),
    ],
)
async def test_a_partner_finds_a_name_only_where_the_procedure_shares_it(
    client: httpx.AsyncClient, auth: Tokens, org: str, query: str, expected: list[str]
) -> None:
    assert await _found(client, auth, org, "juriste", query) == expected


@pytest.mark.usefixtures("searched")
async def test_the_inbox_is_searched_and_counted_by_the_same_rules(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    everything = await _tasks(client, auth, PARQUET)
    assert everything["total"] == 2
    tenant = await _tasks(client, auth, PARQUET, q="Quiétudetest")
    assert [t["procedure_id"] for t in tenant["items"]] == [RESILIATION]
    assert tenant["total"] == 1 and tenant["counts"]["by_kind"] == {"resiliation": 1}
    etampes = await _tasks(client, auth, PARQUET, q="ÉTAMPES")
    assert [t["procedure_id"] for t in etampes["items"]] == [SIGNALEMENT]
    hidden = await _tasks(client, auth, PARQUET, q="durand")
    assert hidden["items"] == [] and hidden["total"] == 0


async def test_a_search_too_long_is_refused_in_french(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    for path in ("/api/procedures", "/api/tasks"):
        response = await client.get(path, params={"q": "x" * 201}, headers=auth(PARQUET))
        assert response.status_code == 422
        assert "q" in response.text and "200" in response.text
