"""A search that finds many procedures counts them up to store.search.COUNT_CAP and says so,
its pages keeping the list's order past the cap; one that finds few counts them all, in any order
asked for; a whole procedure number reads that procedure only."""

from datetime import date

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from store import queries
from store.list_order import ListOrder, SortColumn
from store.queries import ProcedureFilters, list_procedures
from store.visibility import scope_of
from tests.api.rows import BAILLEUR, POLICE_ETAMPES, project, signalement_id, step
from tests.api.search_rows import MATCHES, NOV, project_mimosas
from tests.fixtures import Tokens


@pytest.fixture
def mimosas(engine: Engine) -> list[str]:
    """The signalements of the rue des Mimosas, nearest due first."""
    return project_mimosas(engine)


async def _page(
    client: httpx.AsyncClient, auth: Tokens, query: str, page: int, per_page: int = 2
) -> dict[str, object]:
    params = {"q": query, "page": page, "per_page": per_page}
    response = await client.get("/api/procedures", params=params, headers=auth(BAILLEUR, "juriste"))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_a_search_finding_more_than_the_cap_says_so_and_keeps_the_order(
    client: httpx.AsyncClient, auth: Tokens, mimosas: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    pages = [await _page(client, auth, "mimosas", number) for number in (1, 2, 3, 4)]
    assert {(page["total"], page["total_capped"]) for page in pages} == {(3, True)}
    found = [item["id"] for page in pages for item in page["items"]]  # type: ignore[attr-defined]
    assert found == mimosas  # past the cap too, nearest due first


async def test_a_search_under_the_cap_counts_every_match(
    client: httpx.AsyncClient, auth: Tokens, mimosas: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", MATCHES)
    first = await _page(client, auth, "Mimosas", 1, per_page=50)
    assert (first["total"], first["total_capped"]) == (MATCHES, False)
    assert [item["id"] for item in first["items"]] == mimosas  # type: ignore[attr-defined]


def test_few_matches_are_sorted_in_the_order_asked_for(
    engine: Engine, mimosas: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", MATCHES)
    with Session(engine) as session:
        scope = scope_of(session, BAILLEUR, "juriste")
        filters = ProcedureFilters(q="mimosas")
        by_commune = list_procedures(session, scope, filters, 1, 50, ListOrder(SortColumn.COMMUNE))
        newest = list_procedures(
            session, scope, filters, 1, 3, ListOrder(SortColumn.PROCEDURE, True)
        )
    communes = [row.commune_name for row in by_commune.rows]
    # Étampes before Évry-Courcouronnes, each by number.
    assert communes == ["Étampes"] * 3 + ["Évry-Courcouronnes"] * 4
    assert [row.procedure.id for row in by_commune.rows] == [
        *(signalement_id(n) for n in (2, 4, 6)),
        *(signalement_id(n) for n in (1, 3, 5, 7)),
    ]
    assert [row.procedure.id for row in newest.rows] == [signalement_id(n) for n in (7, 6, 5)]


async def test_a_whole_number_finds_its_procedure_not_those_citing_it(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    cited = signalement_id(1)
    police = step("accuse_reception", POLICE_ETAMPES, NOV, due=date(2026, 12, 1))
    project(engine, cited, [police])
    project(engine, signalement_id(2), [police], description=f"Suite du {cited}")
    assert [i["id"] for i in (await _page(client, auth, cited, 1))["items"]] == [cited]  # type: ignore[attr-defined]
    cut = await _page(client, auth, "2026-000001", 1)  # part of a number: read in the texts
    assert {item["id"] for item in cut["items"]} == {cited, signalement_id(2)}  # type: ignore[attr-defined]


async def test_a_list_without_search_counts_every_procedure(
    client: httpx.AsyncClient, auth: Tokens, mimosas: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    response = await client.get("/api/procedures", headers=auth(BAILLEUR, "juriste"))
    assert (response.json()["total"], response.json()["total_capped"]) == (MATCHES + 1, False)
