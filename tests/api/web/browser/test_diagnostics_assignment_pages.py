"""The diagnostics page and the assignment controls of the corbeille in a real browser, on a
phone (390 px) and a desktop (1280 px): no horizontal scroll, the action visible, no serious or
critical accessibility violation (axe-core), a screenshot of each."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from quietude.procedures import today_in_paris
from tests.api.web.browser.live import SCREENSHOTS, LiveStack, open_filters
from tests.api.web.browser.test_journeys import check_page
from tests.builders import BAILLEUR, PARQUET, signalement_body
from tests.store import diagnostic_rows

WIDTHS = (390, 1280)
TODAY = today_in_paris()
MANAGER = "Paula Procureure"


async def sign_in_at(
    browser: Browser, live: LiveStack, width: int, org: str, role: str, name: str
) -> Page:
    """A new browser session of `width` pixels signed in through the demonstration page."""
    context = await browser.new_context(
        base_url=live.base_url, locale="fr-FR", viewport={"width": width, "height": 900}
    )
    page = await context.new_page()
    await page.goto("/connexion")
    await page.get_by_label("Organisation").select_option(org)
    await page.get_by_label("Rôle").select_option(role)
    await page.get_by_label("Votre nom").fill(name)
    await page.get_by_role("button", name="Se connecter en démonstration").click()
    return page


async def assert_no_horizontal_scroll(page: Page) -> None:
    """The page is no wider than the window."""
    widths = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page {widths[0]} px wide in a {widths[1]} px window"


async def start_for_the_parquet(live: LiveStack) -> str:
    """A signalement waiting for the parquet's decision; its number."""
    sent = TODAY - timedelta(days=10)
    body = signalement_body(
        destinataire="parquet",
        faits_le=f"{sent - timedelta(days=1)}T22:00:00+01:00",
        en_cours={"etape": "decision_parquet", "dates": {"transmission": sent.isoformat()}},
    )
    async with httpx.AsyncClient(base_url=live.base_url) as api:
        started = await api.post("/api/procedures", json=body, headers=live.bearer(BAILLEUR))
    assert started.status_code == 201, started.text
    return str(started.json()["id"])


@pytest.fixture(scope="module")
def diagnostics_loaded(live: LiveStack) -> None:
    """The hand-made set of the diagnostics, in the live read model."""
    diagnostic_rows.load(live.engine)


@pytest.mark.usefixtures("diagnostics_loaded")
@pytest.mark.parametrize("width", WIDTHS)
async def test_the_diagnostics_page_reads_on_a_phone_and_a_desktop(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = await sign_in_at(chromium, live, width, diagnostic_rows.POLICE_EVRY, "agent", "Paul")
    await page.goto("/corbeille")
    if width >= 1000:
        await page.get_by_role("link", name="Diagnostics").click()
    else:
        await page.goto("/diagnostics")
    await open_filters(page)
    await page.get_by_label("Du", exact=True).fill("2026-01-01")
    await page.get_by_label("Au", exact=True).fill("2026-06-30")
    await page.get_by_label("Commune", exact=True).select_option(diagnostic_rows.EVRY)
    await page.get_by_role("button", name="Filtrer").click()
    synthese = page.get_by_role(
        "table", name="Procédures de la période et de la période précédente"
    )
    await expect(synthese).to_contain_text("Signalements")
    categories = page.get_by_role("table", name="Faits et procédures par catégorie")
    await expect(categories).to_contain_text("< seuil")
    await expect(
        page.get_by_role("img", name="Faits selon l'heure (heure de Paris)")
    ).to_be_visible()
    report = page.get_by_role("link", name=re.compile("Générer le rapport CLSPD"))
    await expect(report).to_be_visible()
    await assert_no_horizontal_scroll(page)
    await check_page(page, f"diagnostics-{width}")
    async with page.expect_download() as download:
        await report.click()
    assert (await download.value).suggested_filename.startswith("diagnostic-local-91228")

    await open_filters(page)
    await page.get_by_label("Du", exact=True).fill("2026-06-30")
    await page.get_by_label("Au", exact=True).fill("2026-01-01")
    await page.get_by_role("button", name="Filtrer").click()
    await expect(page.get_by_role("alert")).to_contain_text("Période invalide")
    await assert_no_horizontal_scroll(page)
    await check_page(page, f"diagnostics-erreur-{width}")
    await page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_manager_assigns_one_step_then_a_selection(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    one, two = await start_for_the_parquet(live), await start_for_the_parquet(live)
    page = await sign_in_at(chromium, live, width, PARQUET, "manager", MANAGER)
    await page.goto("/corbeille")
    row = page.get_by_role("row").filter(has_text=one)
    await row.get_by_label(re.compile("^Confier à")).select_option(MANAGER)
    button = row.get_by_role("button", name=re.compile("^Confier"))
    await button.scroll_into_view_if_needed()
    await expect(button).to_be_visible()
    await assert_no_horizontal_scroll(page)
    await check_page(page, f"corbeille-confier-{width}")
    await button.click()
    await expect(page.get_by_role("status").first).to_contain_text("1 étape confiée.")
    await expect(page.get_by_role("row").filter(has_text=one)).to_contain_text(
        f"confiée à {MANAGER}"
    )

    for number in (one, two):
        await (
            page.get_by_role("row")
            .filter(has_text=number)
            .get_by_label(re.compile("^Cocher"))
            .check()
        )
    await page.get_by_label("Confier les étapes cochées à").select_option(MANAGER)
    await page.get_by_role("button", name="Confier la sélection").click()
    await expect(page.get_by_role("status").first).to_contain_text("2 étapes confiées.")
    await expect(page.get_by_role("row").filter(has_text=two)).to_contain_text(
        f"confiée à {MANAGER}"
    )
    await assert_no_horizontal_scroll(page)
    await check_page(page, f"corbeille-confiee-{width}")
    await page.context.close()
