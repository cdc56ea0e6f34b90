"""Encryption of Temporal payloads: round trip, rotation, tampering, the key ring file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload

from quietude.codec import (
    ENCODING,
    KEY_ID,
    EncryptionCodec,
    KeyRingError,
    load_key_ring,
    rotate,
)

CLEAR = Payload(metadata={"encoding": b"json/plain"}, data=b'{"nom": "Z\\u00e9phyrin"}')


async def test_a_payload_is_encrypted_and_comes_back_unchanged(tmp_path: Path):
    codec = EncryptionCodec(load_key_ring(tmp_path / "keys.json", create=True))
    [encrypted] = await codec.encode([CLEAR])
    assert encrypted.metadata["encoding"] == ENCODING
    assert b"phyrin" not in encrypted.data and b"nom" not in encrypted.data
    assert await codec.decode([encrypted]) == [CLEAR]


async def test_after_a_rotation_new_payloads_use_the_new_key_and_old_ones_still_decrypt(
    tmp_path: Path,
):
    path = tmp_path / "keys.json"
    old_codec = EncryptionCodec(load_key_ring(path, create=True))
    [old] = await old_codec.encode([CLEAR])
    new_id = rotate(path)
    new_codec = EncryptionCodec(load_key_ring(path))
    [new] = await new_codec.encode([CLEAR])
    assert new.metadata[KEY_ID].decode() == new_id != old.metadata[KEY_ID].decode()
    assert await new_codec.decode([old, new]) == [CLEAR, CLEAR]


async def test_a_tampered_payload_or_an_unknown_key_is_refused(tmp_path: Path):
    codec = EncryptionCodec(load_key_ring(tmp_path / "keys.json", create=True))
    [encrypted] = await codec.encode([CLEAR])
    flipped = bytes([encrypted.data[-1] ^ 0x01])  # always a change, whatever the last byte
    tampered = Payload(metadata=dict(encrypted.metadata), data=encrypted.data[:-1] + flipped)
    with pytest.raises(InvalidTag):
        await codec.decode([tampered])
    stranger = EncryptionCodec(load_key_ring(tmp_path / "other.json", create=True))
    with pytest.raises(KeyRingError):
        await stranger.decode([encrypted])


def test_the_key_ring_file_is_private_and_checked(tmp_path: Path):
    path = tmp_path / "keys.json"
    load_key_ring(path, create=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(KeyRingError):
        load_key_ring(tmp_path / "absent.json")
    content = json.loads(path.read_text())
    content["current"] = "inconnue"
    path.write_text(json.dumps(content))
    with pytest.raises(KeyRingError):
        load_key_ring(path)
