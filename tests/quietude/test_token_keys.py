"""Tokens of an OIDC issuer: an unknown key id, a foreign key or no signature are refused."""

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from quietude.settings import Settings
from quietude.tokens import TokenError, verify_token
from tests.quietude.test_tokens import encode, jwks_url, rsa_key

__all__ = ["jwks_url", "rsa_key"]  # fixtures shared with the token tests


def _claims(settings: Settings) -> dict[str, object]:
    return jwt.decode(encode(settings), options={"verify_signature": False})


def test_unknown_key_id_is_refused(
    settings: Settings, rsa_key: rsa.RSAPrivateKey, jwks_url: str
) -> None:
    oidc = settings.model_copy(update={"oidc_jwks_url": jwks_url})
    token = jwt.encode(_claims(settings), rsa_key, algorithm="RS256", headers={"kid": "cle-9"})
    with pytest.raises(TokenError):
        verify_token(oidc, token)


def test_known_key_id_signed_by_another_key_is_refused(settings: Settings, jwks_url: str) -> None:
    oidc = settings.model_copy(update={"oidc_jwks_url": jwks_url})
    intruder = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_claims(settings), intruder, algorithm="RS256", headers={"kid": "cle-1"})
    with pytest.raises(TokenError):
        verify_token(oidc, token)


def test_unsigned_token_is_refused_by_the_oidc_mode(settings: Settings, jwks_url: str) -> None:
    oidc = settings.model_copy(update={"oidc_jwks_url": jwks_url})
    token = jwt.encode(_claims(settings), "", algorithm="none", headers={"kid": "cle-1"})
    with pytest.raises(TokenError):
        verify_token(oidc, token)
