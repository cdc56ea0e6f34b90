"""The procedure list of a landlord across départements, cut by département, at 390 and 1280 px:
the département chosen in the filters, only its procedures listed, no serious or critical
accessibility violation; a screenshot of each."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.async_api import Browser, expect

from tests.api.rows import POLICE_EVRY, project, step
from tests.api.web.browser.live import LiveStack
from tests.api.web.browser.test_journeys import check_page
from tests.api.web.browser.test_responsive_pages import PHONE, WIDTHS, sign_in_at

FOYERS = "demo-foyers-idf"
PLACES = {
    "signalement-2032-000001": ("91228", POLICE_EVRY),
    "signalement-2032-000002": ("93008", "police-bobigny"),
    "signalement-2032-000003": ("93066", "police-saint-denis"),
    "signalement-2032-000004": ("92050", "police-nanterre"),
}


@pytest.fixture(scope="module")
def across(live: LiveStack) -> None:
    """The landlord's signalements in Évry, Bobigny, Saint-Denis and Nanterre."""
    for procedure_id, (commune, unit) in PLACES.items():
        pending = step("accuse_reception", unit, date(2026, 11, 23), due=date(2026, 11, 25))
        project(live.engine, procedure_id, [pending], bailleur=FOYERS, commune=commune)


@pytest.mark.usefixtures("across")
@pytest.mark.parametrize("width", WIDTHS)
async def test_the_list_cut_by_departement(chromium: Browser, live: LiveStack, width: int) -> None:
    page = await sign_in_at(chromium, live, FOYERS, "juriste", width)
    await page.goto("/procedures")
    box = page.locator("details.filter-box")
    if width == PHONE:
        await box.locator("summary").click()
    await page.get_by_label("Département", exact=True).select_option("93")
    await page.get_by_role("button", name="Filtrer").click()
    await expect(page.get_by_label("Département", exact=True)).to_have_value("93")
    rows = page.locator("table tbody tr")
    await expect(rows).to_have_count(2)
    for procedure_id, (commune, _) in PLACES.items():
        link = page.get_by_role("link", name=procedure_id)
        await expect(link).to_have_count(1 if commune.startswith("93") else 0)
    await check_page(page, f"procedures-departement-93-{width}")
    await page.context.close()
