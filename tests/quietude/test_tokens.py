"""Tokens: minting and every reason a token is refused, locally and with an OIDC issuer."""

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from domain.actors import Role
from quietude.settings import Settings
from quietude.tokens import Claims, TokenError, mint_token, verify_token


def encode(settings: Settings, key: Any = None, algorithm: str = "HS256", **claims: Any) -> str:
    """A token with valid claims for `settings`, some replaced or removed (value None)."""
    now = datetime.now(UTC)
    payload = {
        "sub": "juriste@demo",
        "org": "demo-habitat-essonne",
        "role": "juriste",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    signing_key = settings.signing_secret() if key is None else key
    return jwt.encode(payload, signing_key, algorithm=algorithm)


def test_round_trip(settings: Settings) -> None:
    token = mint_token(settings, "demo-habitat-essonne", "juriste", "alice")

    assert verify_token(settings, token) == Claims(
        sub="alice", org="demo-habitat-essonne", role=Role.JURISTE
    )


def test_token_expires_after_the_configured_time(settings: Settings) -> None:
    token = mint_token(settings, "demo-habitat-essonne", "agent", "bob")

    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    expected = datetime.now(UTC) + timedelta(minutes=settings.token_ttl_minutes)
    assert abs(exp - expected.timestamp()) < 5


def test_expired_token_is_refused(settings: Settings) -> None:
    token = encode(settings, exp=datetime.now(UTC) - timedelta(seconds=1))

    with pytest.raises(TokenError, match="expiré"):
        verify_token(settings, token)


def test_wrong_audience_is_refused(settings: Settings) -> None:
    token = mint_token(settings.model_copy(update={"jwt_audience": "autre"}), "o", "agent", "s")

    with pytest.raises(TokenError, match="audience"):
        verify_token(settings, token)


def test_wrong_issuer_is_refused(settings: Settings) -> None:
    token = mint_token(settings.model_copy(update={"jwt_issuer": "ailleurs"}), "o", "agent", "s")

    with pytest.raises(TokenError, match="Émetteur"):
        verify_token(settings, token)


def test_unsigned_token_is_refused(settings: Settings) -> None:
    token = encode(settings, key="", algorithm="none")

    with pytest.raises(TokenError, match="Algorithme"):
        verify_token(settings, token)


def test_other_algorithm_is_refused_even_with_the_right_secret(settings: Settings) -> None:
    token = encode(settings, algorithm="HS512")

    with pytest.raises(TokenError, match="Algorithme"):
        verify_token(settings, token)


def test_tampered_payload_is_refused(settings: Settings) -> None:
    header, _, signature = mint_token(settings, "o", "agent", "s").split(".")
    forged = jwt.encode(
        {"sub": "s", "org": "o", "role": "admin"}, "z" * 48, algorithm="HS256"
    ).split(".")[1]

    with pytest.raises(TokenError, match="Signature"):
        verify_token(settings, f"{header}.{forged}.{signature}")


def test_tampered_signature_is_refused(settings: Settings) -> None:
    token = mint_token(settings, "o", "agent", "s")
    flipped = "A" if token[-2] != "A" else "B"

    with pytest.raises(TokenError, match="Signature"):
        verify_token(settings, token[:-2] + flipped + token[-1])


def test_token_of_another_secret_is_refused(settings: Settings) -> None:
    token = encode(settings, key="y" * 48)

    with pytest.raises(TokenError, match="Signature"):
        verify_token(settings, token)


def test_missing_claim_is_refused(settings: Settings) -> None:
    with pytest.raises(TokenError, match="« org »"):
        verify_token(settings, encode(settings, org=None))


def test_garbage_is_refused(settings: Settings) -> None:
    with pytest.raises(TokenError, match="illisible"):
        verify_token(settings, "pas-un-jeton")


def test_unknown_role_is_refused_when_minting(settings: Settings) -> None:
    with pytest.raises(TokenError, match="Rôle « chef » inconnu"):
        mint_token(settings, "o", "chef", "s")


def test_unknown_role_is_refused_when_verifying(settings: Settings) -> None:
    with pytest.raises(TokenError, match="Rôle « chef » inconnu"):
        verify_token(settings, encode(settings, role="chef"))


@pytest.fixture
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwks_url(rsa_key: rsa.RSAPrivateKey) -> Iterator[str]:
    """A local HTTP server publishing the public half of rsa_key as a JWKS."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "cle-1", "use": "sig", "alg": "RS256"}]})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()
    server.server_close()


def test_oidc_token_is_verified_against_the_jwks(
    settings: Settings, rsa_key: rsa.RSAPrivateKey, jwks_url: str
) -> None:
    oidc = settings.model_copy(update={"oidc_jwks_url": jwks_url})
    token = jwt.encode(
        jwt.decode(encode(settings), options={"verify_signature": False}),
        rsa_key,
        algorithm="RS256",
        headers={"kid": "cle-1"},
    )

    assert verify_token(oidc, token).org == "demo-habitat-essonne"


def test_oidc_mode_refuses_locally_signed_tokens(settings: Settings, jwks_url: str) -> None:
    oidc = settings.model_copy(update={"oidc_jwks_url": jwks_url})
    local = mint_token(settings, "o", "agent", "s")

    with pytest.raises(TokenError):
        verify_token(oidc, local)
    with pytest.raises(TokenError, match="fournisseur d'identité"):
        mint_token(oidc, "o", "agent", "s")
