"""Fixtures of the page tests: the app of the API tests (read model with reference data, a
stand-in procedure service) and a browser-like client that signs in through the pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

# The app and its read model are the API tests' own fixtures.
from tests.api.conftest import (  # noqa: F401
    app,
    clean_environment,
    engine,
    reference_db,
    service,
    settings,
)

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = CSRF.search(html)
    assert found, "no form with a CSRF token on this page"
    return found.group(1)


class Browser:
    """An HTTP client keeping cookies, as a browser on the machine itself would."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def sign_in(self, org: str, role: str = "juriste", name: str = "") -> httpx.Response:
        """Sign in through the demonstration page."""
        page = await self.http.get("/connexion")
        form = {"csrf": csrf_of(page.text), "org": org, "role": role, "nom": name}
        return await self.http.post("/connexion", data=form)

    async def form_token(self, path: str) -> str:
        """The CSRF token of the forms of the page at `path`."""
        page = await self.http.get(path)
        assert page.status_code == 200, page.text
        return csrf_of(page.text)


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    """A client of the app served on localhost (where the session cookie is not Secure)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client


@pytest.fixture
def browser(http: httpx.AsyncClient) -> Browser:
    """Signs in and reads forms through the pages."""
    return Browser(http)
