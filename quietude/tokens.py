"""Bearer tokens: minted with the local secret, verified locally or against an OIDC issuer."""

from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from pydantic import BaseModel, ConfigDict, ValidationError

from domain.actors import Role
from quietude.settings import Settings

LOCAL_ALGORITHM = "HS256"
OIDC_ALGORITHMS = ["RS256", "ES256"]
REQUIRED_CLAIMS = ["sub", "org", "role", "iss", "aud", "iat", "exp"]

# Most specific first: several of these are subclasses of the later ones.
_MESSAGES: list[tuple[type[jwt.PyJWTError], str]] = [
    (jwt.ExpiredSignatureError, "Jeton expiré : en demander un nouveau."),
    (jwt.ImmatureSignatureError, "Jeton pas encore valable."),
    (jwt.InvalidAudienceError, "Jeton destiné à un autre service (audience refusée)."),
    (jwt.InvalidIssuerError, "Émetteur du jeton non reconnu."),
    (jwt.InvalidAlgorithmError, "Algorithme de signature du jeton refusé."),
    (jwt.InvalidSignatureError, "Signature du jeton invalide."),
    (jwt.PyJWKClientError, "Clé de vérification introuvable chez le fournisseur d'identité."),
    (jwt.DecodeError, "Jeton illisible."),
]


class TokenError(Exception):
    """A token could not be minted or was refused; the message is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Claims(BaseModel):
    """Who is calling: the claims of a verified token."""

    model_config = ConfigDict(frozen=True)

    sub: str
    org: str
    role: Role


def mint_token(settings: Settings, org: str, role: str, sub: str) -> str:
    """Sign a token for a user of an organisation with the local secret."""
    if settings.oidc_jwks_url:
        raise TokenError(
            "Les jetons sont émis par le fournisseur d'identité (QUIETUDE_OIDC_JWKS_URL) : "
            "impossible d'en signer un localement."
        )
    return sign_local_token(settings, org, role, sub)


def sign_local_token(settings: Settings, org: str, role: str, sub: str) -> str:
    """Sign a token with the local secret, also beside an identity provider: the session of a
    person signed in through one of the providers of the file, given its organisation and role
    by the mapping."""
    if not org.strip() or not sub.strip():
        raise TokenError("L'organisation et l'utilisateur du jeton ne peuvent pas être vides.")
    checked_role = check_role(role)
    issued_at = datetime.now(UTC)
    payload = {
        "sub": sub,
        "org": org,
        "role": checked_role.value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": issued_at,
        "exp": issued_at + timedelta(minutes=settings.token_ttl_minutes),
    }
    return jwt.encode(payload, settings.signing_secret(), algorithm=LOCAL_ALGORITHM)


def verify_token(settings: Settings, token: str) -> Claims:
    """Check a token's signature, expiry, issuer, audience and claims; return its claims."""
    try:
        if settings.oidc_jwks_url and not _local_beside_providers(settings, token):
            key = _jwks_client(settings.oidc_jwks_url).get_signing_key_from_jwt(token).key
            algorithms = OIDC_ALGORITHMS
        else:
            key = settings.signing_secret()
            algorithms = [LOCAL_ALGORITHM]
        payload = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.MissingRequiredClaimError as error:
        raise TokenError(f"Le jeton ne contient pas « {error.claim} ».") from None
    except jwt.PyJWTError as error:
        raise TokenError(_message_for(error)) from None
    try:
        return Claims(sub=payload["sub"], org=payload["org"], role=check_role(payload["role"]))
    except ValidationError:
        raise TokenError("Le jeton contient des revendications mal formées.") from None


def _local_beside_providers(settings: Settings, token: str) -> bool:
    # With a providers file, the pages' sessions carry tokens signed here (HS256) while the
    # API may still take the legacy provider's tokens: the header says which key to check.
    if settings.oidc_providers_file is None:
        return False
    return jwt.get_unverified_header(token).get("alg") == LOCAL_ALGORITHM


def check_role(role: str) -> Role:
    """Return the role named by a value, or refuse it with the list of known roles."""
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(member.value for member in Role)
        raise TokenError(f"Rôle « {role} » inconnu : rôles possibles {allowed}.") from None


def _message_for(error: jwt.PyJWTError) -> str:
    for error_type, message in _MESSAGES:
        if isinstance(error, error_type):
            return message
    return "Jeton invalide."


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    # One client per URL, so its key cache survives across requests.
    return jwt.PyJWKClient(url, cache_keys=True)
