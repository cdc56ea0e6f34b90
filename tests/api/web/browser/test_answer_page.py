"""The parquet answers a step from its page on a phone (390 px) and a desktop (1280 px): the
facts come before the answer form, the letter addressed to it is under « Documents joints »,
and once answered it is back in « À traiter » with a confirmation and that menu entry marked
as the current page; no horizontal scroll, axe clean, photographed."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.api.web.browser.live import LiveStack
from tests.api.web.browser.test_journeys import PDF, TODAY, check_page
from tests.api.web.browser.test_responsive_pages import (
    PHONE,
    WIDTHS,
    assert_fits,
    assert_on_screen,
    sign_in_at,
)
from tests.builders import BAILLEUR, PARQUET, resiliation_body

LETTER = "Demande d'information au parquet"
POLLS = 100


async def resiliation_with_its_letter(live: LiveStack) -> str:
    """A résiliation started through the API, once its letter to the parquet is written; its
    number."""
    async with httpx.AsyncClient(base_url=live.base_url) as api:
        started = await api.post(
            "/api/procedures", json=resiliation_body(), headers=live.bearer(BAILLEUR)
        )
        assert started.status_code == 201, started.text
        number = str(started.json()["id"])
        for _ in range(POLLS):
            shown = await api.get(f"/api/procedures/{number}", headers=live.bearer(BAILLEUR))
            if shown.json()["documents"]:
                return number
            await asyncio.sleep(0.1)
    raise AssertionError(f"{number}: no letter written")


async def top_of(page: Page, heading: str) -> float:
    """How far down the page the level-2 heading `heading` starts."""
    box = await page.get_by_role("heading", level=2, name=heading, exact=True).bounding_box()
    assert box is not None, heading
    return box["y"]


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_parquet_answers_a_step_and_is_back_in_its_inbox(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    number = await resiliation_with_its_letter(live)
    page = await sign_in_at(chromium, live, PARQUET, "juriste", width)
    await expect(page).to_have_url(re.compile(r"/corbeille$"))
    row = page.get_by_role("row").filter(has_text=number)
    await row.get_by_role("link", name=re.compile("^Répondre")).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Demande d'information au parquet (condamnations, décisions)"
    )

    assert await top_of(page, "Faits transmis") < await top_of(page, "Votre réponse")
    joined = page.get_by_role("region", name="Documents joints")
    await assert_on_screen(joined.get_by_text(LETTER).first, width)
    await assert_fits(page, width)
    await check_page(page, f"reponse-etape-{width}")

    await page.get_by_label("Intitulé").fill("Réponse du parquet")
    await page.get_by_label("Nature").select_option("courrier")
    await page.get_by_label("Fichier").set_input_files(
        {"name": "reponse.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    await page.get_by_role("button", name="Verser au dossier").click()
    await expect(page.get_by_role("status")).to_contain_text("La pièce est versée")
    await page.get_by_role("combobox", name=re.compile("^Résultat")).select_option("transmise")
    await page.get_by_label("Date de l'acte").fill(TODAY.isoformat())
    save = page.get_by_role("button", name="Enregistrer", exact=True)
    await save.scroll_into_view_if_needed()
    await assert_on_screen(save, width)
    await assert_fits(page, width)
    await save.click()

    await expect(page).to_have_url(re.compile(r"/corbeille\?fait=etape"))
    await expect(page.get_by_role("status").first).to_contain_text("L'étape est enregistrée")
    if width == PHONE:
        await page.get_by_role("button", name="Menu").click()
    menu = page.get_by_role("navigation", name="Navigation principale")
    await expect(menu.get_by_role("link", name="À traiter")).to_have_attribute(
        "aria-current", "page"
    )
    await assert_fits(page, width)
    await check_page(page, f"corbeille-apres-reponse-{width}")
    await page.context.close()
