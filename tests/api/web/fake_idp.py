"""A fake OpenID Connect identity provider served on loopback: discovery (at the path of its
choice: ProConnect's is /api/v2/.well-known/openid-configuration), authorization, token (client
secret and PKCE checked), userinfo (JSON, or a signed JWT as ProConnect answers) and JWKS,
issuing RS256 tokens signed by its own key."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

START_TIMEOUT_SECONDS = 10.0


@dataclass
class Grant:
    """What /authorize remembered of a request, to check the exchange of its code."""

    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None


@dataclass
class FakeIdp:
    """An identity provider knowing one client; `claims` are the claims of its access tokens
    (iss, iat and exp are added), `id_token_claims` override those of its ID tokens; with
    `userinfo`, it serves those claims (and `sub`) at /userinfo, signed when `userinfo_jwt`."""

    client_id: str
    client_secret: str
    claims: dict[str, Any]
    id_token_claims: dict[str, Any] = field(default_factory=dict)
    issuer: str = ""
    # A fresh key id per provider: the applications' key caches never mix two providers.
    kid: str = field(default_factory=lambda: secrets.token_hex(8))
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    discovery_path: str = "/.well-known/openid-configuration"
    userinfo: dict[str, Any] | None = None
    userinfo_jwt: bool = False
    # A key other than the published one, to forge the userinfo's signature.
    userinfo_forged_by: rsa.RSAPrivateKey | None = None
    grants: dict[str, Grant] = field(default_factory=dict)
    exchanges: list[dict[str, str]] = field(default_factory=list)
    # The query of each authorization request, as the browser brought it.
    authorizations: list[dict[str, str]] = field(default_factory=list)
    access_tokens: set[str] = field(default_factory=set)

    def app(self) -> Starlette:
        """The provider's HTTP endpoints."""
        return Starlette(
            routes=[
                Route(self.discovery_path, self._discovery),
                Route("/authorize", self._authorize),
                Route("/token", self._token, methods=["POST"]),
                Route("/userinfo", self._userinfo),
                Route("/jwks", self._jwks),
            ]
        )

    def sign(self, claims: dict[str, Any]) -> str:
        """A JWT of these claims signed by the provider's key."""
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    async def _discovery(self, request: Request) -> Response:
        userinfo = {"userinfo_endpoint": f"{self.issuer}/userinfo"} if self.userinfo else {}
        return JSONResponse(
            {
                **userinfo,
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            }
        )

    async def _authorize(self, request: Request) -> Response:
        query = request.query_params
        self.authorizations.append(dict(query))
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return JSONResponse({"error": "unauthorized_client"}, status_code=400)
        if query.get("code_challenge") and query.get("code_challenge_method") != "S256":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            self.client_id, redirect_uri, query.get("nonce"), query.get("code_challenge")
        )
        back = {"code": code, "state": query.get("state", "")}
        return RedirectResponse(f"{redirect_uri}?{urlencode(back)}", status_code=302)

    async def _token(self, request: Request) -> Response:
        form = {name: str(value) for name, value in (await request.form()).items()}
        self.exchanges.append(form)
        client_id, secret = _client_credentials(request, form)
        if (client_id, secret) != (self.client_id, self.client_secret):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.grants.pop(form.get("code", ""), None)
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.client_id != client_id
            or grant.redirect_uri != form.get("redirect_uri")
            or not _pkce_holds(grant.code_challenge, form.get("code_verifier"))
        ):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(time.time())
        timing = {"iss": self.issuer, "iat": now, "exp": now + 300}
        id_claims = {**timing, "sub": self.claims["sub"], "aud": self.client_id}
        if grant.nonce is not None:
            id_claims["nonce"] = grant.nonce
        access_token = self.sign({**timing, **self.claims})
        self.access_tokens.add(access_token)
        return JSONResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.sign({**id_claims, **self.id_token_claims}),
            },
            headers={"Cache-Control": "no-store"},
        )

    async def _userinfo(self, request: Request) -> Response:
        bearer = request.headers.get("authorization", "")
        if not bearer.startswith("Bearer ") or bearer[7:] not in self.access_tokens:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        info = {"sub": self.claims["sub"], **(self.userinfo or {})}
        if not self.userinfo_jwt:
            return JSONResponse(info)
        claims = {**info, "iss": self.issuer, "aud": self.client_id}
        key = self.userinfo_forged_by or self.key
        signed = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        return Response(signed, media_type="application/jwt")

    async def _jwks(self, request: Request) -> Response:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return JSONResponse({"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]})


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


def _pkce_holds(challenge: str | None, verifier: str | None) -> bool:
    if challenge is None:
        return verifier is None
    if verifier is None:
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge


@contextmanager
def serve(idp: FakeIdp) -> Iterator[FakeIdp]:
    """Serve the provider on a free port of 127.0.0.1 for the duration of the block."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    idp.issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(idp.app(), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake identity provider did not start")
            time.sleep(0.01)
        yield idp
    finally:
        server.should_exit = True
        thread.join(START_TIMEOUT_SECONDS)
        sock.close()
