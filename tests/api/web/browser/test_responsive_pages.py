"""The pages people use every day, on a phone (390 px) and a desktop (1280 px): no horizontal
scroll, the row's action and its "En retard" marker on screen, a compact header, chart text
legible, the answer to a refused upload opened on its errors; axe clean, photographed."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, expect

from quietude.procedures import today_in_paris
from tests.api.web.browser.live import LiveStack
from tests.api.web.browser.test_journeys import check_page
from tests.builders import BAILLEUR, PARQUET, signalement_body

WIDTHS = [390, 1280]
HEIGHT = 844
PHONE = 390
HEADER_MAX = 120
CHART_TEXT_MIN = 11.0


@pytest.fixture(scope="module")
async def overdue(live: LiveStack) -> dict[str, Any]:
    """A signalement imported with the parquet's decision four months overdue."""
    sent = today_in_paris() - timedelta(days=120)
    body = signalement_body(
        destinataire="parquet",
        faits_le=f"{sent - timedelta(days=1)}T22:00:00+01:00",
        en_cours={"etape": "decision_parquet", "dates": {"transmission": sent.isoformat()}},
    )
    async with httpx.AsyncClient(base_url=live.base_url) as api:
        started = await api.post("/api/procedures", json=body, headers=live.bearer(BAILLEUR))
    assert started.status_code == 201, started.text
    procedure: dict[str, Any] = started.json()
    return procedure


async def sign_in_at(browser: Browser, live: LiveStack, org: str, role: str, width: int) -> Page:
    """A new session at `width` px, signed in through the demonstration page."""
    context = await browser.new_context(
        base_url=live.base_url, locale="fr-FR", viewport={"width": width, "height": HEIGHT}
    )
    page = await context.new_page()
    await page.goto("/connexion")
    await page.get_by_label("Organisation").select_option(org)
    await page.get_by_label("Rôle").select_option(role)
    await page.get_by_label("Votre nom").fill("Camille Essai")
    await page.get_by_role("button", name="Se connecter en démonstration").click()
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


async def assert_fits(page: Page, width: int) -> None:
    """The page scrolls only vertically."""
    scroll_width = await page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{page.url}: {scroll_width} px wide at {width} px"


async def assert_on_screen(target: Locator, width: int) -> None:
    """`target` is shown and lies within the viewport's width."""
    await expect(target).to_be_visible()
    box = await target.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box


async def assert_compact_header(page: Page, width: int) -> None:
    """On a phone the header is one short row, its menu behind a button that the keyboard
    opens and Escape closes; on a desktop the navigation is shown and the button is not."""
    toggle = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Navigation principale")
    if width > PHONE:
        await expect(toggle).to_be_hidden()
        await expect(nav).to_be_visible()
        return
    height = await page.locator("header.site-header").evaluate("e => e.offsetHeight")
    assert height < HEADER_MAX, f"header {height} px high"
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(nav).to_be_hidden()
    await toggle.focus()
    await page.keyboard.press("Enter")
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    await expect(nav).to_be_visible()
    await assert_fits(page, width)
    await nav.get_by_role("link").first.focus()
    await page.keyboard.press("Escape")
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(toggle).to_be_focused()
    await expect(nav).to_be_hidden()


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_inbox_shows_the_answer_button_and_the_late_marker(
    chromium: Browser, live: LiveStack, overdue: dict[str, Any], width: int
) -> None:
    page = await sign_in_at(chromium, live, PARQUET, "juriste", width)
    await expect(page).to_have_url(re.compile(r"/corbeille$"))
    row = page.get_by_role("row").filter(has_text=overdue["id"])
    await assert_fits(page, width)
    await assert_on_screen(row.get_by_role("link", name=re.compile("^Répondre")), width)
    await assert_on_screen(row.get_by_text("En retard", exact=True), width)
    await assert_on_screen(row.get_by_text("Évry-Courcouronnes"), width)
    await assert_compact_header(page, width)
    await check_page(page, f"corbeille-{width}")


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_procedures_list_shows_state_due_date_and_late_marker(
    chromium: Browser, live: LiveStack, overdue: dict[str, Any], width: int
) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "juriste", width)
    await page.goto("/procedures")
    row = page.get_by_role("row").filter(has_text=overdue["id"])
    await assert_fits(page, width)
    await assert_on_screen(row.get_by_role("link", name=overdue["id"]), width)
    await assert_on_screen(row.get_by_text("En retard", exact=True), width)
    await assert_on_screen(row.get_by_text("En cours", exact=True), width)
    await assert_compact_header(page, width)
    await check_page(page, f"procedures-{width}")


CHART_TEXT_SIZES = """() => [...document.querySelectorAll('svg.chart text')]
    .filter(text => text.getClientRects().length > 0)
    .map(text => text.getScreenCTM().a * parseFloat(getComputedStyle(text).fontSize))"""


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_dashboard_charts_stay_legible(
    chromium: Browser, live: LiveStack, overdue: dict[str, Any], width: int
) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "manager", width)
    await page.goto("/tableau-de-bord")
    await expect(page.get_by_role("img", name=re.compile("par acteur"))).to_be_visible()
    sizes = await page.evaluate(CHART_TEXT_SIZES)
    assert sizes and min(sizes) >= CHART_TEXT_MIN, sizes
    oldest = page.get_by_role("table", name=re.compile("l'échéance la plus ancienne d'abord"))
    row = oldest.get_by_role("row").filter(has_text=overdue["id"])
    await assert_on_screen(row.get_by_role("link", name=overdue["id"]), width)
    await assert_fits(page, width)
    await assert_compact_header(page, width)
    await check_page(page, f"tableau-de-bord-{width}")


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_refused_upload_opens_the_procedure_page_on_its_errors(
    chromium: Browser, live: LiveStack, overdue: dict[str, Any], width: int
) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "juriste", width)
    await page.goto(f"/procedures/{overdue['id']}")
    await assert_fits(page, width)
    await check_page(page, f"procedure-{width}")
    await page.get_by_role("button", name="Verser au dossier").click()

    summary = page.locator(".error-summary")
    await expect(summary).to_contain_text("La pièce n'a pas été versée")
    await expect(summary).to_be_focused()
    await expect(summary).to_be_in_viewport()
    await assert_fits(page, width)
    await check_page(page, f"procedure-erreur-versement-{width}")


async def test_every_page_links_its_favicon(chromium: Browser, live: LiveStack) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "juriste", 1280)
    icon = await page.locator("link[rel=icon]").get_attribute("href")
    assert icon
    answer = await page.request.get(live.base_url + icon)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in await answer.text()
