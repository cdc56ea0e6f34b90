"""The diagnostics page: the API's indicators for the signed-in organisation, its filters
checked with a message, and the CLSPD report."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import httpx
import pytest
from sqlalchemy import Engine

from quietude.settings import Settings
from tests.api.web.browsing import Browser
from tests.fixtures import Tokens
from tests.store import diagnostic_rows as rows

PERIOD = "du=2026-01-01&au=2026-06-30&commune=" + rows.EVRY
API_PERIOD = {"from": "2026-01-01", "to": "2026-06-30", "commune": rows.EVRY}


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    """The hand-made set of procedures of the diagnostics."""
    rows.load(engine)
    return engine


def cell(text: str, header: str) -> str:
    """The first number cell after the row header `header`."""
    found = re.search(rf'<th scope="row">{re.escape(header)}</th>\s*<td class="num">([^<]+)<', text)
    assert found, f"no row {header}"
    return found.group(1)


@pytest.mark.usefixtures("loaded")
async def test_the_menu_leads_to_a_diagnostics_page(browser: Browser) -> None:
    await browser.sign_in(rows.POLICE_EVRY, "agent")
    home = await browser.http.get("/corbeille")
    assert 'href="/diagnostics"' in home.text
    page = await browser.http.get("/diagnostics")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Diagnostics locaux</h1>" in page.text


@pytest.mark.usefixtures("loaded")
async def test_the_owner_sees_the_exact_figures_of_the_api(
    browser: Browser, http: httpx.AsyncClient, auth: Tokens
) -> None:
    await browser.sign_in(rows.BAILLEUR, "manager")
    page = (await browser.http.get(f"/diagnostics?{PERIOD}")).text
    api = await http.get(
        "/api/diagnostics", params=API_PERIOD, headers=auth(rows.BAILLEUR, "manager")
    )
    assert cell(page, "Signalements") == str(api.json()["totals"]["signalement"]["valeur"]) == "8"
    assert "&lt; seuil" not in page
    assert "du 1er janvier 2026 au 30 juin 2026" in page
    assert 'id="graphique-heures-desc"' in page and "22 h : faits 6" in page


@pytest.mark.usefixtures("loaded")
async def test_a_partner_sees_small_counts_hidden_as_the_api_hides_them(
    browser: Browser, http: httpx.AsyncClient, auth: Tokens
) -> None:
    await browser.sign_in(rows.POLICE_EVRY, "agent")
    page = (await browser.http.get(f"/diagnostics?{PERIOD}")).text
    api = await http.get(
        "/api/diagnostics", params=API_PERIOD, headers=auth(rows.POLICE_EVRY, "agent")
    )
    hidden = api.json()["by_category"]["signalement"]["degradations"]
    assert hidden == {"valeur": None, "supprime": True}
    assert cell(page, "Dégradations") == "&lt; seuil"
    # A hidden count is neither a bar nor a zero in the chart's description.
    chart = page[page.index('id="graphique-categories-desc"') :]
    assert "Dégradations" not in chart[: chart.index("</desc>")]
    assert "Durand" not in page


@pytest.mark.usefixtures("loaded")
async def test_the_category_filter_keeps_one_category(browser: Browser) -> None:
    await browser.sign_in(rows.BAILLEUR, "manager")
    chosen = "categorie=signalement:troubles_jouissance"
    page = (await browser.http.get(f"/diagnostics?{PERIOD}&{chosen}")).text
    categories = page.split('id="categories"')[1].split("</section>")[0]
    assert cell(categories, "Troubles de jouissance") == "2"
    assert categories.count('<th scope="row">') == 1


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "du=2026-06-30&au=2026-01-01",
            "Période invalide : le début (30 juin 2026) est après la fin (1er janvier 2026).",
        ),
        ("du=abc", "La date « abc » du champ « du » n&#39;est pas une date valide"),
        ("commune=99999", "Commune inconnue : 99999"),
    ],
)
async def test_bad_filters_get_a_french_message_not_zeros(
    browser: Browser, query: str, message: str
) -> None:
    await browser.sign_in(rows.POLICE_EVRY, "agent")
    page = await browser.http.get(f"/diagnostics?{query}")
    assert page.status_code == 422
    assert message in page.text
    assert "Synthèse" not in page.text


@pytest.mark.usefixtures("loaded")
async def test_the_button_produces_the_clspd_report_of_the_filters(
    browser: Browser, http: httpx.AsyncClient, auth: Tokens
) -> None:
    await browser.sign_in(rows.POLICE_EVRY, "agent")
    page = (await browser.http.get(f"/diagnostics?{PERIOD}")).text
    href = re.search(r'<a class="button" href="([^"]+)">Générer le rapport CLSPD', page)
    assert href, "no report button"
    report = await browser.http.get(href.group(1).replace("&amp;", "&"))
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert docx.Document(io.BytesIO(report.content)).paragraphs
    api = await http.get(
        "/api/diagnostics/report.docx",
        params=API_PERIOD,
        headers=auth(rows.POLICE_EVRY, "agent"),
    )
    assert report.content == api.content
    refused = await browser.http.get("/diagnostics/rapport.docx?du=2026-06-30&au=2026-01-01")
    assert refused.status_code == 422 and "Période invalide" in refused.text


@pytest.mark.usefixtures("loaded")
async def test_the_page_and_report_say_which_convention_applies(
    browser: Browser, settings: Settings, tmp_path: Path
) -> None:
    await browser.sign_in(rows.BAILLEUR, "manager")
    page = (await browser.http.get(f"/diagnostics?{PERIOD}")).text
    assert (
        "Convention appliquée : Convention sécurité – tranquillité résidentielle de "
        "l&#39;Essonne du 14 septembre 2021." in page
    )
    settings.conventions_file = tmp_path / "aucune.toml"  # no convention signed anywhere
    page = (await browser.http.get(f"/diagnostics?{PERIOD}")).text
    assert "Convention appliquée : aucune convention signée : objectifs par défaut." in page
    report = await browser.http.get(f"/diagnostics/rapport.docx?{PERIOD}")
    document = docx.Document(io.BytesIO(report.content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "aucune convention signée : objectifs par défaut" in cells
