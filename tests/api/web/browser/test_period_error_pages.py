"""A bad period on the dashboard and the diagnostics, on a phone (390 px) and a desktop
(1280 px): the summary links to the date input at fault, which is marked invalid and described
by its message; no serious or critical accessibility violation; a screenshot of each."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.api.web.browser.live import LiveStack
from tests.api.web.browser.test_journeys import check_page
from tests.api.web.browser.test_responsive_pages import (
    WIDTHS,
    assert_fits,
    assert_on_screen,
    sign_in_at,
)
from tests.builders import BAILLEUR

PAGES = [("/tableau-de-bord", "Jusqu'au"), ("/diagnostics", "Au")]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("path", "label"), PAGES)
async def test_a_bad_period_is_told_beside_its_input(
    chromium: Browser, live: LiveStack, width: int, path: str, label: str
) -> None:
    page = await sign_in_at(chromium, live, BAILLEUR, "manager", width)
    answer = await page.goto(f"{path}?du=2026-01-01&au=2026-02-30")
    assert answer is not None and answer.status == 422
    await expect(page).to_have_title(re.compile("^Erreur : "))
    summary = page.get_by_role("alert")
    link = summary.get_by_role("link", name=label, exact=True)
    await assert_on_screen(link, width)
    await link.click()
    field = page.get_by_label(label, exact=True)
    await expect(field).to_be_focused()
    await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(field).to_have_accessible_description(re.compile("2026-02-30"))
    await assert_fits(page, width)
    await check_page(page, f"periode-invalide{path.replace('/', '-')}-{width}")
    await page.context.close()
