"""The session of the web pages: a signed cookie holding the user's token and a CSRF token."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from quietude.settings import Settings

COOKIE_NAME = "quietude_session"
CSRF_FIELD = "csrf"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# A session without a sign-in (only its CSRF token) lives one day.
ANONYMOUS_TTL_SECONDS = 24 * 3600


class CsrfRefused(Exception):
    """A form came without the CSRF token of its session (answered 403)."""


@dataclass(frozen=True)
class WebSession:
    """What the cookie holds: the bearer token of the signed-in user, the CSRF token of the
    session and, during an OIDC sign-in, the state of that exchange."""

    csrf: str
    issued_at: int
    token: str | None = None
    oidc: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fresh(cls) -> WebSession:
        """A new anonymous session with its own CSRF token."""
        return cls(csrf=secrets.token_urlsafe(32), issued_at=int(time.time()))

    def signed_in(self, token: str) -> WebSession:
        """The session of a user who has just signed in (new CSRF token: no fixation)."""
        return WebSession(csrf=secrets.token_urlsafe(32), issued_at=int(time.time()), token=token)

    def with_oidc(self, state: dict[str, Any]) -> WebSession:
        """The session carrying the state of an OIDC sign-in in progress."""
        return replace(self, oidc=state, issued_at=int(time.time()))


def _key(settings: Settings) -> bytes:
    # Derived, so that a session cookie can never be replayed as a bearer token or the reverse.
    return hmac.new(
        settings.signing_secret().encode(), b"quietude web session", hashlib.sha256
    ).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_session(settings: Settings, session: WebSession) -> str:
    """The cookie value: the session as JSON, then its HMAC-SHA256 signature."""
    payload = {"c": session.csrf, "i": session.issued_at, "t": session.token, "o": session.oidc}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signature = _b64(hmac.new(_key(settings), body.encode(), hashlib.sha256).digest())
    return f"{body}.{signature}"


def decode_session(settings: Settings, value: str, now: float | None = None) -> WebSession | None:
    """The session of a cookie value, or None if it is forged, malformed or too old."""
    body, _, signature = value.partition(".")
    expected = _b64(hmac.new(_key(settings), body.encode(), hashlib.sha256).digest())
    if not signature or not hmac.compare_digest(signature, expected):
        return None
    try:
        payload: dict[str, Any] = json.loads(_unb64(body))
        session = WebSession(
            csrf=str(payload["c"]),
            issued_at=int(payload["i"]),
            token=payload.get("t"),
            oidc=dict(payload.get("o") or {}),
        )
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    ttl = settings.token_ttl_minutes * 60 if session.token else ANONYMOUS_TTL_SECONDS
    if (now or time.time()) - session.issued_at > ttl:
        return None
    return session


def read_session(request: Request, settings: Settings) -> WebSession | None:
    """The valid session of the request's cookie, if any."""
    value = request.cookies.get(COOKIE_NAME)
    return decode_session(settings, value) if value else None


def is_local(request: Request) -> bool:
    """Whether the page is served to the machine itself (the only place a cookie may go
    without HTTPS)."""
    return (request.url.hostname or "") in LOCAL_HOSTS


def write_session(
    response: Response, request: Request, settings: Settings, session: WebSession
) -> None:
    """Set the session cookie: HttpOnly, SameSite=Lax, Secure unless served to localhost."""
    response.set_cookie(
        COOKIE_NAME,
        encode_session(settings, session),
        max_age=settings.token_ttl_minutes * 60,
        path="/",
        httponly=True,
        samesite="lax",
        secure=not is_local(request),
    )


def clear_session(response: Response, request: Request) -> None:
    """Remove the session cookie."""
    response.delete_cookie(
        COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=not is_local(request)
    )


def check_csrf(session: WebSession | None, form: FormData) -> None:
    """Refuse a form whose CSRF token is missing or not the session's."""
    sent = form.get(CSRF_FIELD)
    if session is None or not isinstance(sent, str) or not hmac.compare_digest(sent, session.csrf):
        raise CsrfRefused()
