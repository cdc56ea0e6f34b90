"""Signing in and out: a demonstration sign-in by organisation and role when no identity
provider is configured, the OpenID Connect authorization-code flow (Authlib) otherwise."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import SettingsDep
from api.web import labels
from api.web.pages import (
    FormDep,
    OptionalUserDep,
    PageError,
    UserDep,
    landing,
    render,
    safe_next,
    see_other,
)
from api.web.provider_sign_in import configured_providers
from api.web.session import WebSession, clear_session, read_session, write_session
from domain.actors import Role
from quietude.settings import Settings
from quietude.tokens import TokenError, mint_token, verify_token
from store.reference import list_organisations

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

MAX_NAME = 100
OIDC_NOT_CONFIGURED = (
    "La connexion par le fournisseur d'identité n'est pas encore configurée : l'émetteur, "
    "l'identifiant et le secret du client OpenID Connect sont à renseigner."
)


@router.get("/")
def home(user: OptionalUserDep) -> Response:
    """The home of the signed-in user, else the sign-in page."""
    return see_other(landing(user.org_kind) if user else "/connexion")


def _organisation_groups(request: Request) -> list[tuple[str, list[Any]]]:
    with Session(request.app.state.engine) as session:
        organisations = list_organisations(session)
    groups: dict[str, list[Any]] = {kind: [] for kind in labels.ORG_KINDS}
    for organisation in organisations:
        groups.setdefault(organisation.kind, []).append(organisation)
    return [(labels.ORG_KINDS.get(kind, kind), orgs) for kind, orgs in groups.items() if orgs]


def _sign_in_page(
    request: Request,
    settings: Settings,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    # A signed-in user keeps its session until it signs in again as someone else.
    current = read_session(request, settings) or WebSession.fresh()
    providers = configured_providers(settings)
    context = {
        "demo": settings.demo_sign_in,
        "groups": _organisation_groups(request) if settings.demo_sign_in else [],
        "providers": [(provider.id, provider.label) for provider in providers],
        # The single provider of the older settings, kept beside those of the file.
        "single_provider": not providers or _oidc_config(settings) is not None,
        "roles": labels.ROLES,
        "values": values,
        "errors": errors,
        "suivant": safe_next(values.get("suivant")) or "",
    }
    return render(request, "signin.html", context, status=status, session=current)


@router.get("/connexion")
def sign_in_page(request: Request, settings: SettingsDep, suivant: str = "") -> Response:
    """The sign-in page: demonstration mode, or the identity provider's button."""
    return _sign_in_page(request, settings, {"suivant": suivant, "role": "juriste"}, {})


@router.post("/connexion")
def demo_sign_in(request: Request, settings: SettingsDep, form: FormDep) -> Response:
    """Sign in as a person of a demonstration organisation, with a role."""
    if not settings.demo_sign_in:
        raise PageError(
            404, "Le mode démonstration est désactivé : se connecter par le fournisseur d'identité."
        )
    values = {name: str(form.get(name, "")).strip() for name in ("org", "role", "nom", "suivant")}
    errors: dict[str, str] = {}
    with Session(request.app.state.engine) as session:
        kinds = {o.id: o.kind for o in list_organisations(session)}
    if values["org"] not in kinds:
        errors["org"] = "Choisir une organisation de la liste."
    if values["role"] not in {role.value for role in Role}:
        errors["role"] = "Choisir un rôle de la liste."
    if len(values["nom"]) > MAX_NAME:
        errors["nom"] = f"Au plus {MAX_NAME} caractères."
    if errors:
        return _sign_in_page(request, settings, values, errors, status=422)
    sub = values["nom"] or f"{values['role']}@{values['org']}"
    token = mint_token(settings, values["org"], values["role"], sub)
    log.info("demo sign-in of %s (%s, %s)", sub, values["org"], values["role"])
    response = see_other(safe_next(values["suivant"]) or landing(kinds[values["org"]]))
    write_session(response, request, settings, WebSession.fresh().signed_in(token))
    return response


@router.post("/deconnexion")
def sign_out(request: Request, user: UserDep, form: FormDep) -> Response:
    """Sign out: the session cookie is removed."""
    response = see_other("/connexion")
    clear_session(response, request)
    return response


def _oidc_config(settings: Settings) -> tuple[str, str, str] | None:
    issuer, client_id, secret = (
        settings.oidc_issuer_url,
        settings.oidc_client_id,
        settings.oidc_client_secret,
    )
    if not (issuer and client_id and secret):
        return None
    return issuer.rstrip("/"), client_id, secret.get_secret_value()


@lru_cache(maxsize=2)
def _oidc_client(issuer: str, client_id: str, secret: str) -> Any:
    # Imported here: the demonstration mode never loads the OAuth machinery.
    from authlib.integrations.starlette_client import OAuth

    oauth = OAuth()
    return oauth.register(
        "quietude",
        client_id=client_id,
        client_secret=secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile", "code_challenge_method": "S256"},
    )


@router.get("/connexion/oidc")
async def oidc_start(request: Request, settings: SettingsDep, suivant: str = "") -> Response:
    """Send the browser to the identity provider (authorization code flow with PKCE)."""
    config = _oidc_config(settings)
    if config is None:
        raise PageError(503, OIDC_NOT_CONFIGURED, "Connexion indisponible")
    client = _oidc_client(*config)
    session = read_session(request, settings) or WebSession.fresh()
    # Authlib keeps the state, nonce and PKCE verifier in `request.session`: ours is the cookie.
    request.scope["session"] = {"suivant": safe_next(suivant) or ""}
    redirect_uri = str(request.url_for("oidc_callback"))
    response: Response = await client.authorize_redirect(request, redirect_uri)
    write_session(response, request, settings, session.with_oidc(dict(request.scope["session"])))
    return response


@router.get("/connexion/oidc/retour", name="oidc_callback")
async def oidc_callback(request: Request, settings: SettingsDep) -> Response:
    """Back from the identity provider: check the answer, then open the session."""
    from authlib.integrations.base_client import OAuthError
    from joserfc.errors import JoseError

    config = _oidc_config(settings)
    session = read_session(request, settings)
    if config is None or session is None:
        raise PageError(400, "Connexion interrompue : recommencer depuis la page de connexion.")
    request.scope["session"] = dict(session.oidc)
    try:
        token = await _oidc_client(*config).authorize_access_token(request)
        claims = verify_token(settings, str(token["access_token"]))
    # A JoseError is an ID token Authlib refused (signature, nonce, issuer, audience, expiry).
    except (OAuthError, JoseError, KeyError) as error:
        log.warning("OIDC sign-in refused: %s", error)
        raise PageError(403, "Le fournisseur d'identité n'a pas confirmé la connexion.") from None
    except TokenError as error:
        raise PageError(403, error.message) from None
    log.info("OIDC sign-in of %s (%s, %s)", claims.sub, claims.org, claims.role.value)
    target = safe_next(str(session.oidc.get("suivant") or "")) or "/"
    response = see_other(target)
    write_session(response, request, settings, session.signed_in(str(token["access_token"])))
    return response
