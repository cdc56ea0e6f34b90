"""The saved filters and sortable columns in a real browser, on a phone and on a desktop: the
save form and the saved links fit the screen, the sorted header says its order, no serious or
critical accessibility violation."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.api.search_rows import project_searched
from tests.api.web.browser.live import LiveStack, open_filters
from tests.api.web.browser.test_journeys import check_page
from tests.api.web.browser.test_responsive_pages import assert_fits, assert_on_screen, sign_in_at
from tests.builders import BAILLEUR

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def searched(live: LiveStack) -> None:
    """Procedures to list, once for the module."""
    project_searched(live.engine)


@pytest.mark.usefixtures("searched")
@pytest.mark.parametrize("width", WIDTHS)
async def test_a_sorted_list_is_saved_and_followed_as_a_link(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "juriste", width)
    await page.goto("/procedures")
    await open_filters(page)
    await page.get_by_label("Trier par").select_option("commune")
    await page.get_by_label("Ordre", exact=True).select_option("desc")
    await page.get_by_role("button", name="Filtrer").click()
    sorted_header = page.get_by_role("columnheader", name="Résidence et commune")
    await expect(sorted_header).to_have_attribute("aria-sort", "descending")
    await open_filters(page)  # the saved filters are with the filters, folded on a phone
    await page.get_by_label("Nom du filtre").fill(f"Par commune {width}")
    save = page.get_by_role("button", name="Enregistrer ce filtre")
    await assert_on_screen(save, width)
    await save.click()
    await open_filters(page)
    saved = page.get_by_role("link", name=f"Par commune {width}")
    await expect(saved).to_have_attribute("href", "/procedures?tri=commune&ordre=desc")
    await assert_on_screen(saved, width)
    await assert_fits(page, width)
    await check_page(page, f"procedures-filtres-{width}")
    await page.goto("/procedures")
    await open_filters(page)
    await saved.click()
    await expect(sorted_header).to_have_attribute("aria-sort", "descending")
    await page.context.close()
