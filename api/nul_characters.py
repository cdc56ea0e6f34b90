"""Requests carrying a NUL character in their address, query string or text body are refused
(422 in French): PostgreSQL stores no NUL in a text column, and no field of the app needs one."""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# An encoded NUL in an address, a query string or a form; an escaped one in JSON.
ENCODED_NUL = re.compile(rb"%00")
JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)
TEXT_BODIES = {
    b"application/json": JSON_NUL,
    b"application/x-www-form-urlencoded": ENCODED_NUL,
}
MESSAGE = "Requête invalide : caractère nul (U+0000) refusé dans {}."


class RefuseNulCharacters:
    """ASGI middleware answering 422 to a request with a NUL character where text is read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the address and the query string, then a text body, before the app runs."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        if b"\x00" in raw_path or ENCODED_NUL.search(raw_path):
            await _refuse(send, "l'adresse")
            return
        if ENCODED_NUL.search(scope.get("query_string", b"")):
            await _refuse(send, "les paramètres")
            return
        pattern = TEXT_BODIES.get(_media_type(scope))
        if pattern is None:
            await self.app(scope, receive, send)
            return
        messages, body = await _read_body(receive)
        if pattern.search(body) or b"\x00" in body:
            await _refuse(send, "le corps de la requête")
            return
        await self.app(scope, _replay(messages, receive), send)


def _media_type(scope: Scope) -> bytes:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return bytes(value.split(b";", 1)[0].strip().lower())
    return b""


async def _read_body(receive: Receive) -> tuple[list[Message], bytes]:
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return messages, b"".join(chunks)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


async def _refuse(send: Send, place: str) -> None:
    body = json.dumps({"detail": MESSAGE.format(place)}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 422, "headers": headers})
    await send({"type": "http.response.body", "body": body})
