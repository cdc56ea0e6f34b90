"""Encryption of every payload Temporal stores (AES-GCM), with key rotation.

Workflow inputs, activity inputs and results, updates and failures hold personal data about
criminal matters (GDPR art. 10): Temporal keeps only their ciphertext. Each payload names the
key that encrypted it, so that old keys still decrypt after a rotation.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverter, PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class KeyRingError(ValueError):
    """The key ring is missing, unreadable or cannot decrypt a payload (message in French)."""


@dataclasses.dataclass(frozen=True)
class KeyRing:
    """The encryption keys by id; `current` encrypts, every key decrypts."""

    keys: dict[str, bytes]
    current: str

    def cipher(self, key_id: str) -> AESGCM:
        """The cipher of key `key_id`."""
        if key_id not in self.keys:
            raise KeyRingError(f"Clé de chiffrement inconnue : {key_id}.")
        return AESGCM(self.keys[key_id])


def new_key() -> tuple[str, bytes]:
    """A fresh 256-bit key and its id."""
    return f"k{secrets.token_hex(4)}", AESGCM.generate_key(bit_length=256)


def load_key_ring(path: Path, create: bool = False) -> KeyRing:
    """Read the key ring file (created with one key when `create` and absent)."""
    if not path.exists():
        if not create:
            raise KeyRingError(f"Fichier de clés introuvable : {path}.")
        key_id, key = new_key()
        save_key_ring(path, KeyRing(keys={key_id: key}, current=key_id))
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        keys = {key_id: base64.b64decode(value) for key_id, value in content["keys"].items()}
        ring = KeyRing(keys=keys, current=content["current"])
    except (OSError, ValueError, KeyError) as error:
        raise KeyRingError(f"Fichier de clés illisible : {path} ({error}).") from error
    if ring.current not in ring.keys or any(len(k) != 32 for k in ring.keys.values()):
        raise KeyRingError(f"Fichier de clés incohérent : {path}.")
    return ring


def save_key_ring(path: Path, ring: KeyRing) -> None:
    """Write the key ring atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {
        "current": ring.current,
        "keys": {key_id: base64.b64encode(key).decode() for key_id, key in ring.keys.items()},
    }
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keys-")
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(content, file)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def rotate(path: Path) -> str:
    """Add a new key and make it the one that encrypts; returns its id."""
    ring = load_key_ring(path, create=True)
    key_id, key = new_key()
    save_key_ring(path, KeyRing(keys={**ring.keys, key_id: key}, current=key_id))
    return key_id


class EncryptionCodec(PayloadCodec):
    """AES-GCM on every payload; the key id travels in the payload's metadata."""

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self.ring.cipher(self.ring.current)
        encoded = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            data = nonce + cipher.encrypt(nonce, payload.SerializeToString(), None)
            encoded.append(
                Payload(
                    metadata={"encoding": ENCODING, KEY_ID: self.ring.current.encode()},
                    data=data,
                )
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                decoded.append(payload)
                continue
            key_id = payload.metadata.get(KEY_ID, b"").decode()
            nonce, ciphertext = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
            clear = self.ring.cipher(key_id).decrypt(nonce, ciphertext, None)
            decoded.append(Payload.FromString(clear))
        return decoded


class EncryptedFailureConverter(DefaultFailureConverter):
    """Failure messages and stack traces go into the encrypted payload, not in clear."""

    def __init__(self) -> None:
        super().__init__(encode_common_attributes=True)


def encrypted_converter(ring: KeyRing) -> DataConverter:
    """The Pydantic data converter with every payload and failure message encrypted."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(ring),
        failure_converter_class=EncryptedFailureConverter,
    )
