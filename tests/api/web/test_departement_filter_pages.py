"""The département filter of the procedure list page, for a landlord across départements: offered
where its procedures lie in more than one département, and cutting the list by it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from tests.api.rows import BAILLEUR, EVRY, POLICE_EVRY, project, signalement_id, step
from tests.api.web.browsing import Browser

FOYERS = "demo-foyers-idf"
PLACES = {
    signalement_id(51): (EVRY, POLICE_EVRY),
    signalement_id(52): ("93008", "police-bobigny"),
    signalement_id(53): ("92050", "police-nanterre"),
}


@pytest.fixture
def across(engine: Engine) -> None:
    """The landlord's procedures in Évry, Bobigny and Nanterre, and one of BAILLEUR in Évry."""
    for procedure_id, (commune, unit) in PLACES.items():
        waiting = step("accuse_reception", unit, date(2026, 11, 23))
        project(engine, procedure_id, [waiting], bailleur=FOYERS, commune=commune)
    project(engine, signalement_id(54), [step("accuse_reception", POLICE_EVRY, date(2026, 11, 23))])


def _listed(text: str) -> set[str]:
    return {number for number in PLACES if f'href="/procedures/{number}"' in text}


@pytest.mark.usefixtures("across")
async def test_the_list_page_is_cut_by_departement(browser: Browser) -> None:
    await browser.sign_in(FOYERS)
    whole = await browser.http.get("/procedures")
    assert _listed(whole.text) == set(PLACES)
    assert '<option value="93">93 — Seine-Saint-Denis</option>' in whole.text
    assert '<option value="92">92 — Hauts-de-Seine</option>' in whole.text
    cut = await browser.http.get("/procedures", params={"departement": "93"})
    assert cut.status_code == 200
    assert _listed(cut.text) == {signalement_id(52)}
    assert '<option value="93" selected>' in cut.text
    assert "1 procédure correspondant aux filtres" in cut.text
    # A département the landlord has no procedure in is no choice: the whole list.
    other = await browser.http.get("/procedures", params={"departement": "77"})
    assert _listed(other.text) == set(PLACES)


@pytest.mark.usefixtures("across")
async def test_a_landlord_of_one_departement_gets_no_departement_filter(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get("/procedures")
    assert 'name="departement"' not in page.text


@pytest.mark.usefixtures("across")
async def test_the_dashboard_and_diagnostics_pages_are_cut_by_departement(
    browser: Browser,
) -> None:
    await browser.sign_in(FOYERS, "manager")
    whole = await browser.http.get("/tableau-de-bord")
    assert '<option value="93">93 — Seine-Saint-Denis</option>' in whole.text
    csv_whole = await browser.http.get("/tableau-de-bord.csv")
    assert all(number in csv_whole.text for number in PLACES)
    cut = await browser.http.get("/tableau-de-bord.csv", params={"departement": "93"})
    assert [number for number in PLACES if number in cut.text] == [signalement_id(52)]
    page = await browser.http.get("/tableau-de-bord", params={"departement": "93"})
    essonne = "Essonne du 14 septembre 2021"
    assert essonne in whole.text and essonne not in page.text  # the conventions in view
    assert "aucune convention signée" in page.text
    diagnostics = await browser.http.get(
        "/diagnostics", params={"du": "2026-01-01", "au": "2026-12-31", "departement": "92"}
    )
    assert diagnostics.status_code == 200
    assert '<option value="92" selected>' in diagnostics.text
    refused = await browser.http.get("/diagnostics", params={"departement": "33"})
    assert refused.status_code == 422
    assert "Département inconnu : 33" in refused.text


async def test_a_departement_refused_where_none_is_offered_is_told_above_the_filters(
    browser: Browser,
) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    page = await browser.http.get("/diagnostics", params={"departement": "33"})
    assert page.status_code == 422
    assert 'name="departement"' not in page.text
    assert "Département inconnu : 33" in page.text
    assert 'href="#f-departement"' not in page.text
