"""« Nouvelle procédure » and the start form of each of the five kinds in a real browser, on a
phone (390 px) and a desktop (1280 px): nothing wider than the window, no serious or critical
accessibility violation (axe-core); an assermentation and a joint intervention started from
their forms on the real stack."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from domain.procedures import DEFINITIONS
from tests.api.web.browser.live import LiveStack
from tests.api.web.browser.test_journeys import check_page, sign_in
from tests.builders import BAILLEUR

WIDTHS = (390, 1280)
# The elements of the page's form reaching past the right edge of the window.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const form = document.querySelector("main form");
  const wide = [...form.querySelectorAll("*")]
    .filter((element) => element.getBoundingClientRect().right > width + 1)
    .map((element) => element.id || element.tagName);
  if (form.scrollWidth > form.clientWidth + 1) wide.push("form");
  if (document.documentElement.scrollWidth > width + 1) wide.push("page");
  return wide;
}"""


async def at_width(browser: Browser, live: LiveStack, width: int) -> Page:
    """A bailleur's juriste signed in, the window `width` pixels wide."""
    page = await sign_in(browser, live, BAILLEUR, "juriste", "Claire Juriste")
    await page.set_viewport_size({"width": width, "height": 900})
    return page


@pytest.mark.parametrize("width", WIDTHS)
async def test_new_procedure_and_every_start_form_fit_and_are_accessible(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    page = await at_width(chromium, live, width)
    await page.goto("/procedures/nouvelle")
    for definition in DEFINITIONS.values():
        await expect(page.get_by_role("link", name=definition.label, exact=True)).to_be_visible()
    await check_page(page, f"30-nouvelle-procedure-{width}")
    for kind, definition in DEFINITIONS.items():
        await page.goto("/procedures/nouvelle")
        await page.get_by_role("link", name=definition.label, exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(definition.wording.title)
        assert await page.evaluate(OVERFLOWING) == [], f"{kind} at {width} px"
        await check_page(page, f"31-formulaire-{kind}-{width}")


async def test_an_assermentation_with_errors_fits_a_phone_and_is_accessible(
    chromium: Browser, live: LiveStack
) -> None:
    page = await at_width(chromium, live, 390)
    await page.goto("/procedures/nouvelle/assermentation")
    await page.get_by_label("Nom de la résidence (résidence 2)").fill("Résidence des Cèdres")
    await page.get_by_role("button", name="Engager l'assermentation").click()
    await expect(page).to_have_title(re.compile("^Erreur : "))
    await expect(page.get_by_role("alert")).to_contain_text("Nom : Champ requis")
    await expect(page.locator("#f-infractions-erreur")).to_have_text(
        re.compile("Indiquer au moins une infraction")
    )
    assert await page.evaluate(OVERFLOWING) == []
    await check_page(page, "32-assermentation-erreurs-390")


async def test_a_bailleur_starts_an_assermentation_and_a_joint_intervention(
    chromium: Browser, live: LiveStack
) -> None:
    page = await at_width(chromium, live, 1280)
    await page.goto("/procedures/nouvelle/assermentation")
    agent = page.get_by_role("group", name="Agent")
    await agent.get_by_label(re.compile("^Nom ")).fill("Quiétudetest")
    await agent.get_by_label(re.compile("^Prénom ")).fill("Zéphyrin")
    await agent.get_by_label("Poste").fill("gardien")
    await page.get_by_label("Garde particulier assermenté").check()
    await page.get_by_label("Nom de la résidence (résidence 1)").fill("Résidence des Tilleuls")
    await page.get_by_label("Adresse (résidence 1)").fill("12 rue des Lilas")
    await page.get_by_label("Commune (résidence 1)").select_option("91228")
    await page.get_by_label("Infractions que l'agent constatera").fill("R. 635-1")
    await page.get_by_role("button", name="Engager l'assermentation").click()
    await expect(page).to_have_url(re.compile(r"/procedures/assermentation-\d{4}-\d{6}"))
    await expect(page.get_by_role("status")).to_contain_text("La procédure est ouverte")
    await check_page(page, "33-assermentation-ouverte")

    await page.goto("/procedures/nouvelle/intervention_conjointe")
    await page.get_by_label("Nom de la résidence").fill("Résidence des Tilleuls")
    await page.get_by_label(re.compile("^Adresse ")).fill("12 rue des Lilas")
    await page.get_by_label("Commune").select_option("91228")
    await page.get_by_label("Halls concernés").fill("B2, B3")
    await page.get_by_label("Objectifs").fill("Rétablir la tranquillité des halls B2 et B3.")
    await page.get_by_role("button", name="Proposer l'intervention").click()
    await expect(page).to_have_url(re.compile(r"/procedures/intervention_conjointe-\d{4}-\d{6}"))
    await expect(page.get_by_role("status")).to_contain_text("La procédure est ouverte")
    await check_page(page, "34-intervention-ouverte")
