"""The OpenAPI schema describes errors as they are sent: `{"detail": "message en français"}`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Erreur",
    "type": "object",
    "properties": {"detail": {"type": "string", "title": "Message"}},
    "required": ["detail"],
}


def describe_errors(app: FastAPI) -> None:
    """Replace FastAPI's validation error schema (a list) by the French message sent instead."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            components = schema.get("components", {}).get("schemas", {})
            if "HTTPValidationError" in components:
                components["HTTPValidationError"] = ERROR_SCHEMA
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
