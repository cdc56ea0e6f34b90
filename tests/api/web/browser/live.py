"""The stack the browser tests open pages of (tests/api/web/browser/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.async_api import Page
from sqlalchemy import Engine

from quietude.settings import REPO_ROOT, Settings
from tests.fixtures import bearer

SCREENSHOTS = REPO_ROOT / "var" / "screenshots"


@dataclass
class LiveStack:
    """The app served at `base_url`, with what the tests need to prepare data."""

    base_url: str
    settings: Settings
    engine: Engine

    def bearer(self, org: str, role: str = "juriste") -> dict[str, str]:
        """API headers of a person of `org`."""
        return bearer(self.settings, org, role)


async def open_filters(page: Page) -> None:
    """Unfold the filters where a phone folds them under « Filtres » (static/filters.js)."""
    box = page.locator("details.filter-box")
    if await box.count() and await box.get_attribute("open") is None:
        await box.locator("summary").click()
