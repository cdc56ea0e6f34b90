"""Liveness of the API, the read model and Temporal."""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import ServiceProvider
from api.schemas import HealthPublic

router = APIRouter(tags=["santé"])


def _read_model_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


@router.get("/healthz", response_model=HealthPublic, responses={503: {"model": HealthPublic}})
async def healthz(request: Request) -> JSONResponse:
    """État de l'API, du modèle de lecture et de Temporal (503 si l'un d'eux est indisponible)."""
    provider: ServiceProvider = request.app.state.services
    read_model = await asyncio.to_thread(_read_model_ok, request.app.state.engine)
    temporal = await provider.temporal_ok()
    health = HealthPublic(
        api="ok", read_model="ok" if read_model else "error", temporal="ok" if temporal else "error"
    )
    status = 200 if read_model and temporal else 503
    return JSONResponse(health.model_dump(), status_code=status)
