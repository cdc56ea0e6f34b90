"""The codec endpoint decodes Temporal payloads for admins only."""

from __future__ import annotations

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

from quietude.codec import EncryptionCodec, load_key_ring
from tests.api.rows import BAILLEUR

CLEAR = Payload(metadata={"encoding": b"json/plain"}, data='{"nom": "Zéphyrin"}'.encode())


async def test_an_admin_decodes_what_the_workers_encrypted(client, auth, settings):
    codec = EncryptionCodec(load_key_ring(settings.keys_file, create=True))
    [encrypted] = await codec.encode([CLEAR])
    body = {"payloads": [json_format.MessageToDict(encrypted)]}
    decoded = await client.post("/codec/decode", json=body, headers=auth(BAILLEUR, "admin"))
    assert decoded.status_code == 200, decoded.text
    [payload] = decoded.json()["payloads"]
    assert json_format.ParseDict(payload, Payload()) == CLEAR


async def test_other_roles_and_anonymous_callers_are_refused(client, auth):
    body = {"payloads": []}
    assert (await client.post("/codec/decode", json=body)).status_code == 401
    for role in ("agent", "juriste", "manager"):
        refused = await client.post("/codec/decode", json=body, headers=auth(BAILLEUR, role))
        assert refused.status_code == 403


async def test_garbage_is_a_422_not_a_500(client, auth, settings):
    load_key_ring(settings.keys_file, create=True)
    garbage = {"payloads": [{"metadata": {"encoding": "YmluYXJ5L2VuY3J5cHRlZA=="}, "data": "AAAA"}]}
    refused = await client.post("/codec/decode", json=garbage, headers=auth(BAILLEUR, "admin"))
    assert refused.status_code == 422
