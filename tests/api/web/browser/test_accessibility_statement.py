"""The accessibility statement in a real browser, on a phone (390 px) and a desktop (1280 px):
reached from the footer, nothing wider than the window, no serious or critical violation."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.api.web.browser.live import LiveStack
from tests.api.web.browser.test_journeys import check_page


@pytest.mark.parametrize("width", [390, 1280])
async def test_the_statement_is_reached_from_the_footer_and_fits(
    chromium: Browser, live: LiveStack, width: int
) -> None:
    context = await chromium.new_context(base_url=live.base_url, locale="fr-FR")
    page = await context.new_page()
    await page.set_viewport_size({"width": width, "height": 900})
    await page.goto("/connexion")
    await page.get_by_role("link", name="Accessibilité : partiellement conforme").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    assert await page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    await check_page(page, f"accessibilite-{width}")
    await context.close()
