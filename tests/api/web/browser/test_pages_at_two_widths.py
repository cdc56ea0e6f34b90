"""The sign-in page, the page of an unknown address, the register of sworn agents, « Nouvelle
procédure », a refused signalement and the procedures list past its last page, on a phone
(390 px) and a desktop (1280 px): no horizontal scroll, the element the page is for on screen,
no serious or critical accessibility violation (axe-core), a screenshot of each."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.async_api import Browser, expect

from domain.procedures import DEFINITIONS
from tests.api.rows import POLICE_EVRY, project, step
from tests.api.web.browser.live import LiveStack
from tests.api.web.browser.test_journeys import check_page
from tests.api.web.browser.test_responsive_pages import (
    HEIGHT,
    WIDTHS,
    assert_fits,
    assert_on_screen,
    sign_in_at,
)
from tests.builders import BAILLEUR

LISTED = 30  # two pages of 25
UNKNOWN_COMMUNE = "91999"


@pytest.fixture(scope="module")
def two_pages(live: LiveStack) -> None:
    """Thirty signalements of the bailleur waiting for the police of Évry: two pages."""
    for number in range(1, LISTED + 1):
        waiting = step("accuse_reception", POLICE_EVRY, date(2026, 11, 23), due=date(2026, 11, 25))
        project(live.engine, f"signalement-2030-{number:06d}", [waiting])


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_sign_in_page(chromium: Browser, live: LiveStack, width: int) -> None:
    context = await chromium.new_context(
        base_url=live.base_url, locale="fr-FR", viewport={"width": width, "height": HEIGHT}
    )
    page = await context.new_page()
    await page.goto("/connexion")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    await assert_on_screen(page.get_by_label("Organisation"), width)
    await assert_on_screen(page.get_by_role("button", name="Se connecter en démonstration"), width)
    await assert_fits(page, width)
    await check_page(page, f"connexion-{width}")
    await context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_an_unknown_address_shows_the_page_not_found(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "juriste", width)
    answer = await page.goto("/adresse-qui-n-existe-pas")
    assert answer is not None and answer.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    await expect(page.get_by_role("alert")).to_contain_text("ne correspond à aucune page")
    await assert_on_screen(page.get_by_role("link", name="Revenir à l'accueil"), width)
    await assert_fits(page, width)
    await check_page(page, f"page-introuvable-{width}")
    await page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_register_links_to_an_assermentation_request(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "juriste", width)
    await page.goto("/assermentations")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Registre des agents assermentés"
    )
    request = page.get_by_role("link", name="Demander l'assermentation d'un agent")
    await assert_on_screen(request, width)
    await assert_fits(page, width)
    await check_page(page, f"registre-assermentes-{width}")
    await request.click()
    await expect(page).to_have_url(re.compile(r"/procedures/nouvelle/assermentation$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        DEFINITIONS["assermentation"].wording.title
    )
    await page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_new_procedure_lists_the_five_kinds(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "juriste", width)
    await page.goto("/procedures/nouvelle")
    assert len(DEFINITIONS) == 5
    for definition in DEFINITIONS.values():
        link = page.get_by_role("link", name=definition.label, exact=True)
        await link.scroll_into_view_if_needed()
        await assert_on_screen(link, width)
    await assert_fits(page, width)
    await check_page(page, f"nouvelle-procedure-{width}")
    await page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_refused_signalement_tells_the_unknown_commune_beside_its_field(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "juriste", width)
    await page.goto("/procedures/nouvelle/signalement")
    await page.get_by_label("Nom de la résidence").fill("Résidence des Tilleuls")
    await page.get_by_label(re.compile("^Adresse")).fill("12 rue des Lilas")
    commune = page.get_by_label(re.compile("^Commune"))
    # A commune the service does not know, as a form left open while the territory changed.
    await commune.evaluate(
        "(select, code) => { select.add(new Option(code, code)); select.value = code; }",
        UNKNOWN_COMMUNE,
    )
    await page.get_by_label("Catégorie").select_option("occupation_halls")
    await page.get_by_label("Date et heure des faits").fill("2026-11-20T22:30")
    await page.get_by_label("Description").fill("Occupation du hall B2, nuisances sonores.")
    await page.get_by_label(re.compile("^Source")).select_option("gardien")
    await page.get_by_role("button", name="Transmettre le signalement").click()

    await expect(page).to_have_title(re.compile("^Erreur : "))
    await expect(commune).to_have_attribute("aria-invalid", "true")
    await expect(commune).to_have_accessible_description(re.compile("Commune inconnue"))
    await assert_on_screen(page.get_by_text(re.compile("Commune inconnue")).last, width)
    await assert_fits(page, width)
    await check_page(page, f"signalement-commune-inconnue-{width}")
    await page.context.close()


@pytest.mark.usefixtures("two_pages")
@pytest.mark.parametrize("width", WIDTHS)
async def test_a_page_past_the_end_of_the_list_shows_the_last_page(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "juriste", width)
    await page.goto("/procedures?page=99")
    paging = page.get_by_role("navigation", name="Pages de résultats")
    await expect(paging).to_contain_text(re.compile(r"Page (\d+) sur \1"))
    await expect(paging.get_by_role("link", name="Page suivante")).to_have_count(0)
    await assert_on_screen(paging.get_by_role("link", name="Page précédente"), width)
    await expect(page.get_by_role("row").filter(has_text="signalement-2030-")).not_to_have_count(0)
    await assert_fits(page, width)
    await check_page(page, f"procedures-derniere-page-{width}")
    await page.context.close()
