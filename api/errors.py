"""Every error answered as `{"detail": "<message in French>"}` with the right status."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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

# French wording of pydantic's error types; `{name}` are taken from the error's context.
MESSAGES: dict[str, str] = {
    "missing": "champ requis",
    "extra_forbidden": "champ non autorisé",
    "string_type": "texte attendu",
    "string_too_short": "trop court (au moins {min_length} caractère(s))",
    "string_too_long": "trop long (au plus {max_length} caractères)",
    "string_pattern_mismatch": "format invalide",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "bool_type": "booléen attendu (true ou false)",
    "bool_parsing": "booléen attendu (true ou false)",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date invalide (format attendu AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date invalide (format attendu AAAA-MM-JJ)",
    "date_from_datetime_inexact": "date sans heure attendue (AAAA-MM-JJ)",
    "datetime_type": "date et heure attendues (AAAA-MM-JJTHH:MM:SS+01:00)",
    "datetime_parsing": "date et heure invalides (format attendu AAAA-MM-JJTHH:MM:SS+01:00)",
    "datetime_from_date_parsing": (
        "date et heure invalides (format attendu AAAA-MM-JJTHH:MM:SS+01:00)"
    ),
    "timezone_aware": "fuseau horaire requis (par exemple +01:00)",
    "enum": "valeur invalide (valeurs possibles : {expected})",
    "literal_error": "valeur invalide (valeur attendue : {expected})",
    "union_tag_invalid": "valeur « {tag} » inconnue (valeurs possibles : {expected_tags})",
    "union_tag_not_found": "champ requis",
    "dict_type": "objet JSON attendu",
    "model_type": "objet JSON attendu",
    "model_attributes_type": "objet JSON attendu",
    "list_type": "liste attendue",
    "json_invalid": "JSON mal formé",
    "json_type": "JSON attendu",
}


def _context(error: Any) -> dict[str, str]:
    # pydantic quotes values ("'a', 'b' or 'c'"); French readers get « a, b ou c ».
    raw = error.get("ctx") or {}
    return {k: str(v).replace("'", "").replace(" or ", " ou ") for k, v in raw.items()}


def _field_path(error: Any, body: Any) -> str:
    parts = list((error.get("loc") or ("body",))[1:])
    # A discriminated union adds the tag (the "kind" given) to the path: not a field name.
    if parts and isinstance(body, dict) and parts[0] == body.get("kind"):
        parts = parts[1:]
    if str(error.get("type", "")).startswith("union_tag_"):
        parts.append(_context(error).get("discriminator", "kind"))
    if error.get("type") == "json_invalid":
        parts = []
    return ".".join(str(part) for part in parts)


def describe_error(error: Any) -> str:
    """What is wrong with one value, in French, from a pydantic error."""
    kind = error.get("type", "")
    if kind == "value_error" and (error.get("ctx") or {}).get("error"):
        return str(error["ctx"]["error"])
    context = _context(error)
    template = MESSAGES.get(kind)
    if template is None:
        return f"valeur invalide ({error.get('msg', kind)})"
    try:
        return template.format(**context)
    except KeyError:
        return template.split(" (", 1)[0]


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


async def _http_error(request: Request, error: Exception) -> JSONResponse:
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
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StartRefused, _start_refused)
    app.add_exception_handler(StepRefused, _step_refused)
    app.add_exception_handler(TemporalUnavailable, _temporal_unavailable)
    app.add_exception_handler(Exception, _unexpected)
