"""A period the dashboard or the diagnostics cannot read is told beside the input at fault:
marked invalid, described by its message, named by its label in the error summary."""

from __future__ import annotations

import re

import pytest

from tests.api.rows import BAILLEUR
from tests.api.web.browsing import Browser
from tests.api.web.error_summaries import assert_summary_names_its_fields, summary_links

CASES = [
    ("du=2026-06-30&au=2026-01-01", "du", "Période invalide : le début"),
    ("du=abc", "du", "La date « abc » du champ « du »"),
    ("au=2026-02-30", "au", "La date « 2026-02-30 » du champ « au »"),
    ("du=1999-12-31", "du", "La date « 1999-12-31 » du champ « du »"),
]


def told_beside(html: str, field: str, message: str) -> None:
    """The input `field` is invalid, described by its message, which the summary links to."""
    text = html.replace("&#39;", "'")
    tag = re.search(rf'<input type="date" id="f-{field}"[^>]*>', text)
    assert tag, f"no input f-{field}"
    assert 'aria-invalid="true"' in tag.group(0)
    assert f'aria-describedby="f-{field}-erreur"' in tag.group(0)
    beside = re.search(rf'id="f-{field}-erreur">(.*?)</p>', text)
    assert beside and message in beside.group(1)
    assert [target for _, target, _ in summary_links(html)] == [f"f-{field}"]
    assert_summary_names_its_fields(html)
    assert "<title>Erreur : " in text


@pytest.mark.parametrize(("query", "field", "message"), CASES)
async def test_a_bad_period_of_the_dashboard_is_told_beside_its_input(
    browser: Browser, query: str, field: str, message: str
) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    page = await browser.http.get(f"/tableau-de-bord?{query}")
    assert page.status_code == 422
    told_beside(page.text, field, message)


@pytest.mark.parametrize(("query", "field", "message"), CASES)
async def test_a_bad_period_of_the_diagnostics_is_told_beside_its_input(
    browser: Browser, query: str, field: str, message: str
) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    page = await browser.http.get(f"/diagnostics?{query}")
    assert page.status_code == 422
    told_beside(page.text, field, message)
