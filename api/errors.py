"""Every error answered as `{"detail": "<message in French>"}` with the right status."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.validation_messages import describe_error, error_context
from quietude.procedures import StartRefused, StepRefused, TemporalUnavailable

# Status of each kind of refusal raised by a workflow's validators.
REFUSAL_STATUS: dict[str, int] = {
    "StepNotPending": 409,
    "NotOpen": 409,
    "WrongOrganisation": 403,
    "WrongRole": 403,
    "InvalidOutcome": 422,
    "InvalidData": 422,
    "UnknownStep": 404,
    "NotFound": 404,
}

# The texts Starlette gives when a route raises no message of its own.
DEFAULT_DETAILS: dict[int, str] = {
    404: "Ressource introuvable.",
    405: "Méthode non autorisée pour cette adresse.",
    401: "Authentification requise.",
    403: "Accès refusé.",
}

PLACES = {
    "body": "Corps de requête invalide",
    "query": "Paramètre invalide",
    "path": "Adresse invalide",
    "header": "En-tête invalide",
    "cookie": "Cookie invalide",
}


def _field_path(error: Any, body: Any) -> str:
    parts = list((error.get("loc") or ("body",))[1:])
    # A discriminated union adds the tag (the "kind" given) to the path: not a field name.
    if parts and isinstance(body, dict) and parts[0] == body.get("kind"):
        parts = parts[1:]
    if str(error.get("type", "")).startswith("union_tag_"):
        parts.append(error_context(error).get("discriminator", "kind"))
    if error.get("type") == "json_invalid":
        parts = []
    return ".".join(str(part) for part in parts)


def describe_validation_error(errors: Sequence[Any], body: Any = None) -> str:
    """One readable French sentence naming each field in error and what is wrong with it."""
    groups: dict[str, list[str]] = {}
    for error in errors:
        location = error.get("loc") or ("body",)
        place = PLACES.get(str(location[0]), "Requête invalide")
        path = _field_path(error, body)
        text = f"{path} : {describe_error(error)}" if path else describe_error(error)
        groups.setdefault(place, []).append(text)
    return " ; ".join(f"{place} : {' ; '.join(texts)}" for place, texts in groups.items()) + "."


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    detail = describe_validation_error(error.errors(), error.body)
    return JSONResponse({"detail": detail}, status_code=422)


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    detail = error.detail
    if detail == HTTPStatus(error.status_code).phrase:
        detail = DEFAULT_DETAILS.get(error.status_code, "Requête refusée.")
    return JSONResponse({"detail": detail}, status_code=error.status_code, headers=error.headers)


async def _start_refused(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StartRefused)
    return JSONResponse({"detail": error.message}, status_code=422)


async def _step_refused(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StepRefused)
    status = REFUSAL_STATUS.get(error.kind, 422)
    return JSONResponse({"detail": error.message}, status_code=status)


async def _temporal_unavailable(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, TemporalUnavailable)
    return JSONResponse({"detail": error.message}, status_code=503)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    # Starlette re-raises the error after this answer, so the server logs its traceback.
    return JSONResponse({"detail": "Erreur interne du serveur."}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error of `app` as French JSON."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(StartRefused, _start_refused)
    app.add_exception_handler(StepRefused, _step_refused)
    app.add_exception_handler(TemporalUnavailable, _temporal_unavailable)
    app.add_exception_handler(Exception, _unexpected)
