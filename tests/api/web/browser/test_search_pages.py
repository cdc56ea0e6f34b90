"""The search of the inbox and of the procedure list in a real browser, on a phone and on a
desktop: the field is there to type in, the result lists what was searched, no serious or
critical accessibility violation."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.api.search_rows import RESILIATION, SIGNALEMENT, project_searched
from tests.api.web.browser.live import LiveStack, open_filters
from tests.api.web.browser.test_journeys import check_page, sign_in
from tests.builders import BAILLEUR, PARQUET

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def searched(live: LiveStack) -> None:
    """The procedures of the search tests, once for the module."""
    project_searched(live.engine)


@pytest.mark.usefixtures("searched")
@pytest.mark.parametrize("width", WIDTHS)
async def test_the_parquet_searches_its_inbox_by_a_tenants_name(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    page = await sign_in(chromium, live, PARQUET, "juriste", "Pierre Parquet")
    await page.set_viewport_size({"width": width, "height": 900})
    await page.goto("/corbeille")
    await open_filters(page)
    field = page.get_by_label("Rechercher")
    await expect(field).to_be_in_viewport()
    await field.fill("quietudetest")
    await page.get_by_role("button", name="Filtrer").click()
    await expect(page.get_by_role("status")).to_contain_text("1 étape en attente (sur 2)")
    await expect(page.get_by_role("link", name=RESILIATION, exact=True)).to_be_visible()
    await expect(page.get_by_role("link", name=SIGNALEMENT, exact=True)).to_have_count(0)
    await check_page(page, f"corbeille-recherche-{width}")
    await page.context.close()


@pytest.mark.usefixtures("searched")
@pytest.mark.parametrize("width", WIDTHS)
async def test_the_legal_team_finds_a_commune_typed_without_accents(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    page = await sign_in(chromium, live, BAILLEUR, "juriste", "Claire Juriste")
    await page.set_viewport_size({"width": width, "height": 900})
    field = page.get_by_label("Rechercher")
    await expect(field).to_be_in_viewport()
    await field.fill("etampes")
    await page.get_by_role("button", name="Filtrer").click()
    await expect(page.get_by_role("link", name=SIGNALEMENT, exact=True)).to_be_visible()
    await expect(page.get_by_role("link", name=RESILIATION, exact=True)).to_have_count(0)
    await check_page(page, f"procedures-recherche-{width}")
    await page.context.close()
