"""The web pages: server-rendered HTML in French, served by the API's application."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import (
    accessibility,
    assignment,
    auth,
    dashboard,
    diagnostics,
    files,
    inbox,
    interventions,
    procedures,
    provider_sign_in,
    register,
    saved_filters,
    start,
    steps,
)
from api.web.pages import PAGE_ERROR_HANDLERS, STATIC_DIR


def build_router() -> APIRouter:
    """Every page's router; the forms to open a procedure come before the procedure page."""
    router = APIRouter(include_in_schema=False)
    pages = (
        auth,
        provider_sign_in,
        accessibility,
        start,
        procedures,
        steps,
        files,
        inbox,
        assignment,
        dashboard,
        diagnostics,
        saved_filters,
        register,
        interventions,
    )
    for module in pages:
        router.include_router(module.router)
    return router


def install_web(app: FastAPI) -> None:
    """Add the pages, their stylesheet and their error pages to `app`."""
    app.include_router(build_router())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for error, handler in PAGE_ERROR_HANDLERS.items():
        app.add_exception_handler(error, handler)
