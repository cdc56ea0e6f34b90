"""Start-up without Temporal, lazy reconnection, health, and errors outside the routes."""

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from api import main
from api.deps import ServiceProvider
from quietude.procedures import ProcedureService
from quietude.settings import Settings
from store.db import make_engine
from tests.api.rows import BAILLEUR
from tests.builders import signalement_body
from tests.fixtures import Tokens, asgi_client, refuse_to_connect

TEMPORAL_DOWN = "Le moteur de procédures (Temporal) est injoignable"


class HealthyServiceClient:
    async def check_health(self) -> bool:
        return True


class FakeClient:
    """What the provider needs of a Temporal client."""

    service_client = HealthyServiceClient()


async def connect_fake(settings: Settings) -> Any:
    return FakeClient()


async def test_app_starts_without_temporal_then_connects_when_it_is_up(
    settings: Settings, auth: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on port 1: the real connection fails at once.
    down = settings.model_copy(update={"temporal_address": "127.0.0.1:1"})
    monkeypatch.setattr(main, "get_settings", lambda: down)
    app = main.create_app()
    async with app.router.lifespan_context(app), asgi_client(app) as client:
        provider: ServiceProvider = app.state.services
        assert provider.service is None
        health = await client.get("/api/healthz")
        started = await client.post(
            "/api/procedures", json=signalement_body(), headers=auth(BAILLEUR)
        )
        assert health.status_code == 503
        assert health.json() == {"api": "ok", "read_model": "ok", "temporal": "error"}
        assert started.status_code == 503
        assert started.json()["detail"].startswith(TEMPORAL_DOWN)

        provider.connector = connect_fake  # Temporal comes up
        health = await client.get("/api/healthz")
        assert health.status_code == 200
        assert health.json() == {"api": "ok", "read_model": "ok", "temporal": "ok"}
        assert isinstance(await provider.get(), ProcedureService)


async def test_bad_input_is_refused_before_temporal_is_needed(
    app: FastAPI, client: httpx.AsyncClient, auth: Tokens, settings: Settings, engine: Engine
) -> None:
    app.state.services = ServiceProvider(settings, engine, connector=refuse_to_connect)
    bad_body = signalement_body(categorie="bruit")
    refused = await client.post("/api/procedures", json=bad_body, headers=auth(BAILLEUR))
    unknown = await client.post(
        "/api/procedures/signalement-2026-999999/cancel",
        json={"reason": "Doublon"},
        headers=auth(BAILLEUR),
    )
    valid = await client.post("/api/procedures", json=signalement_body(), headers=auth(BAILLEUR))
    assert (refused.status_code, unknown.status_code, valid.status_code) == (422, 404, 503)


async def test_healthz_reports_a_broken_read_model(
    app: FastAPI, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    broken = make_engine(f"sqlite:///{tmp_path / 'absent' / 'dossier' / 'q.db'}")
    app.state.engine = broken
    response = await client.get("/api/healthz")
    broken.dispose()
    assert response.status_code == 503
    assert response.json() == {"api": "ok", "read_model": "error", "temporal": "ok"}


async def test_unknown_addresses_and_methods_answer_in_french(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    missing = await client.get("/api/nulle-part", headers=auth(BAILLEUR))
    wrong_method = await client.delete("/api/tasks", headers=auth(BAILLEUR))
    assert (missing.status_code, missing.json()) == (404, {"detail": "Ressource introuvable."})
    assert wrong_method.status_code == 405
    assert wrong_method.json()["detail"] == "Méthode non autorisée pour cette adresse."


def test_openapi_documents_every_route_in_french() -> None:
    paths = main.app.openapi()["paths"]
    assert "/api/procedures/{procedure_id}/steps/{key}" in paths
    for path, operations in paths.items():
        for operation in operations.values():
            assert operation.get("description"), path
