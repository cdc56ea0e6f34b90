"""Sorting the procedure list and « À traiter » by a column (tri, ordre), ordered in SQL."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import Engine

from tests.api.rows import BAILLEUR, POLICE_EVRY, project, signalement_id, step
from tests.api.web.browsing import Browser

ARPAJON, MASSY, SAVIGNY = "91021", "91377", "91589"
# number: (commune, opened on, due on); each column puts the three in another order.
PROCEDURES = {
    1: (ARPAJON, date(2026, 11, 21), date(2026, 12, 10)),
    2: (SAVIGNY, date(2026, 11, 22), date(2026, 12, 1)),
    3: (MASSY, date(2026, 11, 20), date(2026, 12, 5)),
}
DEFAULT = [2, 3, 1]  # nearest due date first
PROCEDURES_ASCENDING = {
    "echeance": [2, 3, 1],
    "ouverte": [3, 1, 2],
    "commune": [1, 3, 2],
    "procedure": [1, 2, 3],
}
# « Ouverte depuis » counts days: its ascending order is the newest step first.
ASCENDING = {
    "/procedures": PROCEDURES_ASCENDING,
    "/corbeille": PROCEDURES_ASCENDING | {"ouverte": [2, 1, 3]},
}
LISTED = re.compile(r'href="/procedures/signalement-2026-0*(\d+)"')


@pytest.fixture
def procedures(engine: Engine) -> None:
    """Three signalements of the bailleur, each waiting for the police of Évry."""
    for number, (commune, opened_on, due) in PROCEDURES.items():
        waiting = step("accuse_reception", POLICE_EVRY, opened_on, due=due)
        project(engine, signalement_id(number), [waiting], commune=commune, created_on=opened_on)


def listed(html: str) -> list[int]:
    """The procedures of a list page, in their order."""
    return [int(number) for number in LISTED.findall(html)]


PAGES = [("/procedures", BAILLEUR), ("/corbeille", POLICE_EVRY)]


@pytest.mark.parametrize(("path", "org"), PAGES)
@pytest.mark.parametrize("column", list(PROCEDURES_ASCENDING))
@pytest.mark.usefixtures("procedures")
async def test_a_column_sorts_the_list_both_ways(
    browser: Browser, path: str, org: str, column: str
) -> None:
    await browser.sign_in(org)
    up = await browser.http.get(path, params={"tri": column, "ordre": "asc"})
    down = await browser.http.get(path, params={"tri": column, "ordre": "desc"})
    assert listed(up.text) == ASCENDING[path][column]
    assert listed(down.text) == ASCENDING[path][column][::-1]


# number: commune, numbered so that neither the id nor the code gives the alphabetical order.
ACCENTED = {
    1: "91689",  # Wissous
    2: "91228",  # Évry-Courcouronnes
    3: "91235",  # Fleury-Mérogis
    4: "91207",  # Égly
    5: "91200",  # Dourdan
    6: "91223",  # Étampes
}
ALPHABETICAL = [5, 4, 6, 2, 3, 1]  # Dourdan, Égly, Étampes, Évry, Fleury, Wissous


@pytest.mark.parametrize(("path", "org"), PAGES)
async def test_communes_sort_with_their_accents_set_aside(
    browser: Browser, engine: Engine, path: str, org: str
) -> None:
    for number, commune in ACCENTED.items():
        waiting = step("accuse_reception", POLICE_EVRY, date(2026, 11, 20), due=date(2026, 12, 1))
        project(engine, signalement_id(number), [waiting], commune=commune)
    await browser.sign_in(org)
    up = await browser.http.get(path, params={"tri": "commune", "ordre": "asc"})
    down = await browser.http.get(path, params={"tri": "commune", "ordre": "desc"})
    assert listed(up.text) == ALPHABETICAL
    assert listed(down.text) == ALPHABETICAL[::-1]


@pytest.mark.parametrize(("path", "org"), PAGES)
@pytest.mark.usefixtures("procedures")
async def test_the_sorted_header_says_its_order_and_links_to_the_reverse(
    browser: Browser, path: str, org: str
) -> None:
    await browser.sign_in(org)
    page = await browser.http.get(path, params={"tri": "commune", "ordre": "asc", "q": "lilas"})
    assert page.text.count("aria-sort=") == 1
    assert (
        'aria-sort="ascending"><a href="' + path + '?q=lilas&amp;tri=commune&amp;ordre=desc"'
        in (page.text)
    )
    assert f'<a href="{path}?q=lilas&amp;tri=echeance&amp;ordre=asc"' in page.text


@pytest.mark.parametrize(("path", "org"), PAGES)
@pytest.mark.parametrize(
    ("tri", "ordre"),
    [("adresse", "asc"), ("echeance", "haut"), ("'; DROP TABLE", ""), ("x" * 5000, "")],
)
@pytest.mark.usefixtures("procedures")
async def test_an_unknown_order_falls_back_to_the_default(
    browser: Browser, path: str, org: str, tri: str, ordre: str
) -> None:
    await browser.sign_in(org)
    page = await browser.http.get(path, params={"tri": tri, "ordre": ordre})
    assert page.status_code == 200
    assert listed(page.text) == DEFAULT
    assert "aria-sort=" not in page.text


@pytest.mark.parametrize(("path", "org"), PAGES)
@pytest.mark.usefixtures("procedures")
async def test_the_filters_form_offers_the_order_and_keeps_the_one_shown(
    browser: Browser, path: str, org: str
) -> None:
    await browser.sign_in(org)
    page = await browser.http.get(path, params={"tri": "procedure", "ordre": "desc"})
    assert '<option value="procedure" selected>Numéro de procédure</option>' in page.text
    assert '<option value="desc" selected>Décroissant</option>' in page.text
