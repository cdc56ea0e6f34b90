"""The FastAPI application: JSON under /api, OpenAPI at /docs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api.deps import ServiceProvider
from api.errors import install_error_handlers
from api.nul_characters import RefuseNulCharacters
from api.openapi_schema import describe_errors
from api.routes import (
    access_log,
    calendar,
    codec,
    dashboard,
    diagnostics,
    documents,
    dossier,
    health,
    interventions,
    organisations,
    pieces,
    procedures,
    register,
    suites,
    tasks,
    treve,
)
from api.security_headers import SecurityHeaders
from api.web import install_web
from quietude.conventions import load_conventions
from quietude.settings import get_settings
from store.db import make_engine
from store.organisation_kinds import OrganisationKinds

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the read model and Temporal once; a Temporal still down is retried on first need."""
    settings = get_settings()
    load_conventions(settings.conventions_file)  # an unusable file stops the start, in French
    engine = make_engine(settings.database_url)
    services = ServiceProvider(settings, engine)
    app.state.settings = settings
    app.state.engine = engine
    app.state.services = services
    if not await services.connect():
        log.warning("API started without Temporal: calls that need it answer 503 until it is up")
    try:
        yield
    finally:
        engine.dispose()


def build_api_router() -> APIRouter:
    """Every resource's router under /api."""
    api = APIRouter(prefix="/api")
    routers = (
        organisations,
        procedures,
        suites,
        pieces,
        dossier,
        documents,
        tasks,
        dashboard,
        diagnostics,
        calendar,
        health,
        access_log,
        register,
        interventions,
        treve,
    )
    for module in routers:
        api.include_router(module.router)
    return api


def create_app() -> FastAPI:
    """The application with its error handlers and routers (its state is set by `lifespan`)."""
    application = FastAPI(
        title="Quiétude",
        summary="Procédures des conventions sécurité – tranquillité résidentielle",
        description=(
            "Signalements, plaintes et résiliations de bail suivis de bout en bout entre "
            "bailleurs, police, gendarmerie, parquet et préfecture, avec leurs délais légaux. "
            "Chaque appel, sauf `/api/healthz`, exige un jeton `Authorization: Bearer …` "
            "(`quietude token --org ORG --role ROLE`)."
        ),
        version="0.1.0",
        lifespan=lifespan,
    )
    # Kept by the application rather than at import: each application (and test) its own.
    application.state.organisation_kinds = OrganisationKinds()
    install_error_handlers(application)
    application.add_middleware(RefuseNulCharacters)
    application.add_middleware(SecurityHeaders)  # outermost: on every answer
    describe_errors(application)
    application.include_router(build_api_router())
    application.include_router(codec.router)
    install_web(application)
    return application


app = create_app()
