"""Authentication: every call but /api/healthz needs a valid bearer token."""

import secrets

import httpx
import pytest

from quietude.settings import Settings
from quietude.tokens import mint_token
from tests.api.rows import BAILLEUR
from tests.fixtures import Tokens

PROTECTED = [
    "/api/organisations",
    "/api/procedures",
    "/api/procedures/signalement-2026-000001",
    "/api/tasks",
    "/api/dashboard",
    "/api/calendar/deadline?from=2026-01-31&months=1",
    "/api/calendar/expulsion?not_before=2025-11-17",
]


@pytest.mark.parametrize("path", PROTECTED)
async def test_missing_token_is_refused_with_401_in_french(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authentification requise" in response.json()["detail"]


async def test_token_signed_with_another_secret_is_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    other = settings.model_copy(update={"jwt_secret": secrets.token_urlsafe(48)})
    headers = {"Authorization": f"Bearer {mint_token(other, BAILLEUR, 'agent', 'x')}"}
    response = await client.get("/api/organisations", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Signature du jeton invalide."}
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_garbage_token_and_other_schemes_are_refused(client: httpx.AsyncClient) -> None:
    garbage = await client.get("/api/tasks", headers={"Authorization": "Bearer pas-un-jeton"})
    basic = await client.get("/api/tasks", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert garbage.status_code == 401
    assert garbage.json() == {"detail": "Jeton illisible."}
    assert basic.status_code == 401


async def test_valid_token_is_accepted(client: httpx.AsyncClient, auth: Tokens) -> None:
    response = await client.get("/api/tasks", headers=auth(BAILLEUR))
    assert response.status_code == 200


async def test_healthz_needs_no_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/healthz")
    assert response.status_code == 200
    assert response.json() == {"api": "ok", "read_model": "ok", "temporal": "ok"}
