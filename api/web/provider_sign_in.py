"""Signing in through one of the providers of the providers file (ProConnect, a bailleur's own):
the authorization code flow with PKCE, state and nonce (Authlib), the required `acr`, the
provider's claims mapped to an identity, and the organisation and role the mapping gives it."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any

import jwt
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import SettingsDep
from api.web.pages import PageError, landing, safe_next, see_other
from api.web.session import WebSession, read_session, write_session
from quietude.oidc_providers import OidcProvider, load_providers
from quietude.settings import Settings, SettingsError
from quietude.sign_in_mapping import Assignment, Identity, load_mapping
from quietude.tokens import OIDC_ALGORITHMS, sign_local_token
from store.tables import Organisation

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

REFUSED = "Connexion refusée"
INTERRUPTED = "Connexion interrompue : recommencer depuis la page de connexion."
NOT_CONFIRMED = "Le fournisseur d'identité n'a pas confirmé la connexion."


def configured_providers(settings: Settings) -> tuple[OidcProvider, ...]:
    """The providers of the file, none without one; a 503 page if the file is unusable."""
    if settings.oidc_providers_file is None:
        return ()
    try:
        return load_providers(settings.oidc_providers_file)
    except SettingsError as error:
        raise PageError(503, str(error), "Connexion indisponible") from None


def _provider(settings: Settings, provider_id: str) -> OidcProvider:
    for provider in configured_providers(settings):
        if provider.id == provider_id:
            return provider
    raise PageError(404, f"Fournisseur d'identité « {provider_id} » inconnu.", "Connexion")


def _client(provider: OidcProvider) -> Any:
    try:
        secret = provider.client_secret()
    except SettingsError as error:
        raise PageError(503, str(error), "Connexion indisponible") from None
    return _registered_client(provider, secret)


@lru_cache(maxsize=16)
def _registered_client(provider: OidcProvider, secret: str) -> Any:
    # One client per provider, so that its discovery document and keys are fetched once.
    from authlib.integrations.starlette_client import OAuth

    return OAuth().register(
        provider.id,
        client_id=provider.client_id,
        client_secret=secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs={"scope": " ".join(provider.scopes), "code_challenge_method": "S256"},
    )


def _acr_request(provider: OidcProvider) -> dict[str, str]:
    # Both ways OpenID Connect has of asking for a strength: ProConnect reads either.
    if not provider.acr_values:
        return {}
    wanted = {"essential": True, "values": list(provider.acr_values)}
    return {
        "acr_values": " ".join(provider.acr_values),
        "claims": json.dumps({"id_token": {"acr": wanted}}, separators=(",", ":")),
    }


@router.get("/connexion/fournisseur/{provider_id}")
async def provider_start(
    request: Request, settings: SettingsDep, provider_id: str, suivant: str = ""
) -> Response:
    """Send the browser to the chosen identity provider (authorization code flow with PKCE)."""
    provider = _provider(settings, provider_id)
    client = _client(provider)
    session = read_session(request, settings) or WebSession.fresh()
    # Authlib keeps the state, nonce and PKCE verifier in `request.session`: ours is the cookie.
    request.scope["session"] = {"suivant": safe_next(suivant) or "", "fournisseur": provider.id}
    redirect_uri = str(request.url_for("provider_callback", provider_id=provider.id))
    response: Response = await client.authorize_redirect(
        request, redirect_uri, **_acr_request(provider)
    )
    write_session(response, request, settings, session.with_oidc(dict(request.scope["session"])))
    return response


@router.get("/connexion/fournisseur/{provider_id}/retour", name="provider_callback")
async def provider_callback(request: Request, settings: SettingsDep, provider_id: str) -> Response:
    """Back from the provider: check its answer, who the person is, then open the session."""
    provider = _provider(settings, provider_id)
    session = read_session(request, settings)
    if session is None or session.oidc.get("fournisseur") != provider.id:
        raise PageError(400, INTERRUPTED)
    request.scope["session"] = dict(session.oidc)
    identity = identity_of(provider, await _confirmed_claims(request, provider))
    check_strength(provider, identity)
    assignment = _assignment(request, settings, identity)
    token = sign_local_token(settings, assignment.org, assignment.role.value, identity.subject)
    log.info(
        "sign-in of %s through %s (%s, %s)",
        identity.subject,
        provider.id,
        assignment.org,
        assignment.role.value,
    )
    kind = _org_kind(request, assignment.org)
    target = safe_next(str(session.oidc.get("suivant") or "")) or landing(kind)
    response = see_other(target)
    write_session(response, request, settings, session.signed_in(token))
    return response


async def _confirmed_claims(request: Request, provider: OidcProvider) -> dict[str, Any]:
    from authlib.integrations.base_client import OAuthError
    from joserfc.errors import JoseError

    client = _client(provider)
    try:
        token = await client.authorize_access_token(request)
        # The ID token's claims, once Authlib has checked its signature, issuer, audience,
        # expiry and nonce.
        claims = dict(token["userinfo"])
        claims.update(await _userinfo(client, provider, token, str(claims["sub"])))
    except (OAuthError, JoseError, KeyError, ValueError, jwt.PyJWTError) as error:
        log.warning("sign-in through %s refused: %s", provider.id, error)
        raise PageError(403, NOT_CONFIRMED, REFUSED) from None
    return claims


async def _userinfo(
    client: Any, provider: OidcProvider, token: dict[str, Any], subject: str
) -> dict[str, Any]:
    # ProConnect gives the agent's name, uid and SIRET only there, as a signed JWT.
    metadata = await client.load_server_metadata()
    endpoint = metadata.get("userinfo_endpoint")
    if not endpoint:
        return {}
    response = await client.get(endpoint, token=token)
    response.raise_for_status()
    if response.headers.get("content-type", "").startswith("application/jwt"):
        keys = jwt.PyJWKSet.from_dict(await client.fetch_jwk_set())
        kid = jwt.get_unverified_header(response.text).get("kid")
        key = next((k for k in keys.keys if k.key_id == kid), None)
        if key is None:
            raise ValueError("userinfo signed by an unknown key")
        info: dict[str, Any] = jwt.decode(
            response.text,
            key.key,
            algorithms=OIDC_ALGORITHMS,
            audience=provider.client_id,
            issuer=metadata.get("issuer"),
        )
    else:
        info = dict(response.json())
    if info.get("sub") != subject:
        raise ValueError("userinfo of another subject")
    return info


def identity_of(provider: OidcProvider, claims: dict[str, Any]) -> Identity:
    """The person the claims describe, read through the provider's claims mapping."""
    names = provider.claims

    def claim(name: str | None) -> str:
        value = claims.get(name) if name else None
        return str(value).strip() if value is not None else ""

    uid = claim(names.uid)
    if not uid:
        raise PageError(
            403,
            f"Le fournisseur « {provider.label} » n'a pas transmis l'identifiant de la personne "
            f"(« {names.uid} ») : la connexion ne peut pas aboutir.",
            REFUSED,
        )
    return Identity(
        provider=provider.id,
        uid=uid,
        email=claim(names.email),
        given_name=claim(names.given_name),
        family_name=claim(names.family_name),
        siret=claim(names.siret),
        acr=claim("acr"),
    )


def check_strength(provider: OidcProvider, identity: Identity) -> None:
    """Refuse an authentication weaker than the provider's required `acr`."""
    if not provider.acr_values or identity.acr in provider.acr_values:
        return
    given = f"« {identity.acr} »" if identity.acr else "non précisé"
    wanted = " ou ".join(f"« {value} »" for value in provider.acr_values)
    raise PageError(
        403,
        f"Niveau d'authentification insuffisant ({given}) : ce service exige {wanted}. "
        f"Se reconnecter avec {provider.label} en choisissant une authentification plus forte "
        "(par exemple avec un second facteur).",
        REFUSED,
    )


def _assignment(request: Request, settings: Settings, identity: Identity) -> Assignment:
    who = identity.email or identity.uid
    unknown = PageError(
        403,
        f"Le compte « {who} » n'est pas habilité dans Quiétude : demander à l'administrateur "
        "de l'ajouter à la liste des habilitations (organisation et rôle).",
        REFUSED,
    )
    if settings.oidc_mapping_file is None:
        raise unknown
    try:
        assignment = load_mapping(settings.oidc_mapping_file).assignment_of(identity)
    except SettingsError as error:
        raise PageError(503, str(error), "Connexion indisponible") from None
    if assignment is None:
        raise unknown
    if _org_kind(request, assignment.org) is None:
        raise PageError(
            403,
            f"L'organisation « {assignment.org} » attribuée au compte « {who} » n'existe pas "
            "dans Quiétude : l'administrateur doit corriger la liste des habilitations.",
            REFUSED,
        )
    return assignment


def _org_kind(request: Request, org_id: str) -> str | None:
    with Session(request.app.state.engine) as db:
        organisation = db.get(Organisation, org_id)
    return organisation.kind if organisation else None
