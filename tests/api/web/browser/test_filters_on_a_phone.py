"""The filters of the lists on a phone (390 px): folded under « Filtres », so that the first
result shows on the first screen (390×844); open on a desktop (1280 px) and whenever a filter is
in error; no serious or critical accessibility violation; a screenshot of each."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.async_api import Browser, expect

from tests.api.rows import POLICE_EVRY, project, step
from tests.api.web.browser.live import LiveStack
from tests.api.web.browser.test_journeys import check_page
from tests.api.web.browser.test_responsive_pages import HEIGHT, PHONE, WIDTHS, sign_in_at
from tests.builders import BAILLEUR

LISTS = [("/procedures", BAILLEUR, "juriste"), ("/corbeille", POLICE_EVRY, "manager")]


@pytest.fixture(scope="module")
def waiting(live: LiveStack) -> None:
    """Three signalements of the bailleur waiting for the police of Évry."""
    for number in range(1, 4):
        pending = step("accuse_reception", POLICE_EVRY, date(2026, 11, 23), due=date(2026, 11, 25))
        project(live.engine, f"signalement-2031-{number:06d}", [pending])


@pytest.mark.usefixtures("waiting")
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("path", "org", "role"), LISTS)
async def test_the_first_result_shows_on_the_first_screen(
    chromium: Browser, live: LiveStack, width: int, path: str, org: str, role: str
) -> None:
    page = await sign_in_at(chromium, live, org, role, width)
    await page.goto(f"{path}?kind=signalement")
    box = page.locator("details.filter-box")
    summary = box.locator("summary")
    await expect(summary).to_have_text("Filtres (1 actif)")
    if width == PHONE:
        await expect(box).not_to_have_attribute("open", "")
        row = await page.locator("table tbody tr").first.bounding_box()
        assert row is not None and row["y"] < HEIGHT, row
        await summary.click()
    await expect(box).to_have_attribute("open", "")
    await expect(page.get_by_label("Type", exact=True)).to_be_visible()
    await check_page(page, f"filtres{path.replace('/', '-')}-{width}")
    await page.context.close()


async def test_a_filter_in_error_stays_open_on_a_phone(chromium: Browser, live: LiveStack) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "manager", PHONE)
    await page.goto("/tableau-de-bord?du=abc")
    await expect(page.locator("details.filter-box")).to_have_attribute("open", "")
    await expect(page.get_by_label("Étapes ouvertes à partir du")).to_be_visible()
    await page.goto("/tableau-de-bord")
    await expect(page.locator("details.filter-box")).not_to_have_attribute("open", "")
    await check_page(page, f"filtres-tableau-de-bord-{PHONE}")
    await page.context.close()
