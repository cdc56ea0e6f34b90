"""The accessibility statement: open without signing in, linked from every page's footer."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from quietude.settings import Settings


async def test_the_statement_gives_the_level_the_tests_and_a_contact(
    app: FastAPI, settings: Settings, http: httpx.AsyncClient
) -> None:
    app.state.settings = settings.model_copy(
        update={"accessibility_contact": "referent.rgaa@habitat-essonne.example"}
    )
    page = await http.get("/accessibilite")
    assert page.status_code == 200
    assert "<h1>Déclaration d'accessibilité</h1>" in page.text
    assert "<strong>partiellement conforme</strong>" in page.text
    assert "RGAA" in page.text
    assert "axe-core dans le navigateur Chromium" in page.text
    assert "390 pixels" in page.text and "1 280 pixels" in page.text
    assert 'href="mailto:referent.rgaa@habitat-essonne.example"' in page.text


async def test_the_footer_of_every_page_links_to_the_statement(http: httpx.AsyncClient) -> None:
    page = await http.get("/connexion")
    assert '<a href="/accessibilite">Accessibilité : partiellement conforme</a>' in page.text
