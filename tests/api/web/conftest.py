"""Fixtures of the page tests: the app of the API tests (tests/api/conftest.py: the reference
read model, a stand-in procedure service) and a browser-like client signing in through the
pages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.api.web.browsing import Browser
from tests.fixtures import asgi_client


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app served on localhost (where the session cookie is not Secure)."""
    async with asgi_client(app, "http://localhost") as client:
        yield client


@pytest.fixture
def browser(http: httpx.AsyncClient) -> Browser:
    """Signs in and reads forms through the pages."""
    return Browser(http)
