"""Filters saved under a name on the list pages: listed as plain links, deleted, each person's
own, behind the CSRF token, with French refusals of a bad name."""

from __future__ import annotations

import re

import pytest

from tests.api.rows import BAILLEUR, POLICE_EVRY
from tests.api.web.browsing import Browser

PAGES = [("procedures", BAILLEUR), ("corbeille", POLICE_EVRY)]
QUERY = "q=lilas&tri=commune&ordre=desc"
DELETE = re.compile(r'action="/filtres/(\d+)/supprimer"')


async def save(browser: Browser, page: str, name: str, query: str = QUERY) -> object:
    """Post the save form of `page` as the page's form would."""
    form = {"page": page, "nom": name, "requete": query}
    return await browser.submit("/filtres", form, page=f"/{page}")


@pytest.mark.parametrize(("page", "org"), PAGES)
async def test_a_saved_filter_is_listed_as_a_link_to_its_query(
    browser: Browser, page: str, org: str
) -> None:
    await browser.sign_in(org, name="camille")
    answer = await save(browser, page, "Lilas par commune", QUERY + "&inconnu=1&page=3")
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert answer.headers["location"] == f"/{page}?{QUERY}"  # type: ignore[attr-defined]
    shown = await browser.http.get(f"/{page}")
    link = f'<a href="/{page}?q=lilas&amp;tri=commune&amp;ordre=desc">Lilas par commune</a>'
    assert link in shown.text


@pytest.mark.parametrize(("page", "org"), PAGES)
async def test_the_save_form_carries_the_current_filters_and_order(
    browser: Browser, page: str, org: str
) -> None:
    await browser.sign_in(org)
    shown = await browser.http.get(
        f"/{page}", params={"q": "lilas", "tri": "commune", "ordre": "desc"}
    )
    assert 'name="requete" value="q=lilas&amp;tri=commune&amp;ordre=desc"' in shown.text
    assert "Enregistrer ce filtre" in shown.text


async def test_saving_a_name_again_replaces_its_query(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    await save(browser, "procedures", "Mon filtre", "q=lilas")
    await save(browser, "procedures", "Mon filtre", "q=roses")
    shown = (await browser.http.get("/procedures")).text
    assert shown.count(">Mon filtre</a>") == 1
    assert 'href="/procedures?q=roses"' in shown


@pytest.mark.parametrize(("page", "org"), PAGES)
async def test_a_saved_filter_is_deleted(browser: Browser, page: str, org: str) -> None:
    await browser.sign_in(org)
    await save(browser, page, "À supprimer")
    shown = (await browser.http.get(f"/{page}")).text
    [number] = DELETE.findall(shown)
    answer = await browser.submit(f"/filtres/{number}/supprimer", {}, page=f"/{page}")
    assert answer.status_code == 303
    assert ">À supprimer</a>" not in (await browser.http.get(f"/{page}")).text


async def test_another_person_neither_sees_nor_deletes_a_filter(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, name="camille")
    await save(browser, "procedures", "Filtre de Camille")
    [number] = DELETE.findall((await browser.http.get("/procedures")).text)
    await browser.sign_in(BAILLEUR, name="dominique")
    assert "Filtre de Camille" not in (await browser.http.get("/procedures")).text
    refused = await browser.submit(f"/filtres/{number}/supprimer", {}, page="/procedures")
    assert refused.status_code == 404
    assert "ne vous appartient pas" in refused.text
    await browser.sign_in(BAILLEUR, name="camille")
    assert ">Filtre de Camille</a>" in (await browser.http.get("/procedures")).text


async def test_saving_or_deleting_without_the_csrf_token_is_refused(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    form = {"page": "procedures", "nom": "Sans jeton", "requete": QUERY}
    refused = await browser.http.post("/filtres", data={**form, "csrf": "faux"})
    assert refused.status_code == 403
    assert "Sans jeton" not in (await browser.http.get("/procedures")).text
    await save(browser, "procedures", "Gardé")
    [number] = DELETE.findall((await browser.http.get("/procedures")).text)
    refused = await browser.http.post(f"/filtres/{number}/supprimer", data={})
    assert refused.status_code == 403
    assert ">Gardé</a>" in (await browser.http.get("/procedures")).text


@pytest.mark.parametrize(
    ("name", "page", "message"),
    [
        ("", "procedures", "Donner un nom au filtre"),
        ("   ", "corbeille", "Donner un nom au filtre"),
        ("x" * 81, "procedures", "trop long : 81 caractères, 80 au plus"),
        ("a\tb\u200b", "procedures", "caractères invisibles"),
        ("Bon nom", "tableau-de-bord", "Page inconnue"),
    ],
)
async def test_a_bad_filter_is_refused_in_french(
    browser: Browser, name: str, page: str, message: str
) -> None:
    await browser.sign_in(BAILLEUR)
    form = {"page": page, "nom": name, "requete": QUERY}
    refused = await browser.submit("/filtres", form, page="/procedures")
    assert refused.status_code == 422
    assert message in refused.text
    assert 'action="/filtres/' not in (await browser.http.get("/procedures")).text


async def test_a_name_of_80_characters_is_saved(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    answer = await save(browser, "procedures", "é" * 80)
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert f">{'é' * 80}</a>" in (await browser.http.get("/procedures")).text


@pytest.mark.parametrize("number", ["abc", "9" * 30, "0"])
async def test_deleting_a_filter_that_is_no_number_answers_404(
    browser: Browser, number: str
) -> None:
    await browser.sign_in(BAILLEUR)
    refused = await browser.submit(f"/filtres/{number}/supprimer", {}, page="/procedures")
    assert refused.status_code == 404
