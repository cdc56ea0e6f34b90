"""The codec endpoint of the Temporal UI: decodes histories for the convention's admins only."""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidTag
from fastapi import APIRouter, HTTPException, Request
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

from api.deps import AdminDep
from quietude.codec import EncryptionCodec, KeyRingError, load_key_ring

router = APIRouter(prefix="/codec", tags=["codec"])


def _payloads(body: dict[str, Any]) -> list[Payload]:
    try:
        return [json_format.ParseDict(p, Payload()) for p in body["payloads"]]
    except (KeyError, TypeError, json_format.ParseError) as error:
        raise HTTPException(status_code=422, detail=f"Charges utiles invalides : {error}") from None


def _answer(payloads: list[Payload]) -> dict[str, Any]:
    return {"payloads": [json_format.MessageToDict(p) for p in payloads]}


async def _codec(request: Request) -> EncryptionCodec:
    try:
        return EncryptionCodec(load_key_ring(request.app.state.settings.keys_file))
    except KeyRingError as error:
        raise HTTPException(status_code=503, detail=str(error)) from None


@router.post("/decode")
async def decode(body: dict[str, Any], request: Request, caller: AdminDep) -> dict[str, Any]:
    """Déchiffre des charges utiles Temporal (interface de Temporal, administrateurs)."""
    codec = await _codec(request)
    try:
        return _answer(await codec.decode(_payloads(body)))
    except (KeyRingError, InvalidTag, ValueError) as error:
        raise HTTPException(status_code=422, detail=f"Déchiffrement impossible : {error}") from None


@router.post("/encode")
async def encode(body: dict[str, Any], request: Request, caller: AdminDep) -> dict[str, Any]:
    """Chiffre des charges utiles Temporal (interface de Temporal, administrateurs)."""
    codec = await _codec(request)
    return _answer(await codec.encode(_payloads(body)))
