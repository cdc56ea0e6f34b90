"""The list of procedures past its last page, or with a page number that is no number."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from tests.api.rows import BAILLEUR, POLICE_EVRY, project, signalement_id, step
from tests.api.web.browsing import Browser

PROCEDURES = 30  # two pages of 25


@pytest.fixture
def procedures(engine: Engine) -> None:
    """Thirty signalements of the bailleur, each waiting for the police of Évry."""
    for number in range(1, PROCEDURES + 1):
        waiting = step("accuse_reception", POLICE_EVRY, date(2026, 11, 23), due=date(2026, 11, 25))
        project(engine, signalement_id(number), [waiting])


@pytest.mark.parametrize("number", ["99", "9" * 5000])
@pytest.mark.usefixtures("procedures")
async def test_a_page_past_the_end_shows_the_last_page(browser: Browser, number: str) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get("/procedures", params={"page": number})
    assert page.status_code == 200
    assert "page 2 sur 2" in page.text
    assert page.text.count('href="/procedures/signalement-2026-') == PROCEDURES - 25


@pytest.mark.parametrize("number", ["²", "-3", "abc"])
@pytest.mark.usefixtures("procedures")
async def test_a_page_number_that_is_no_number_shows_the_first_page(
    browser: Browser, number: str
) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get("/procedures", params={"page": number})
    assert page.status_code == 200
    assert "page 1 sur 2" in page.text
