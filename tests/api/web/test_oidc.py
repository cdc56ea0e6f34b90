"""Signing in through an OpenID Connect provider, end to end against a fake provider served on
loopback: the authorization code flow with PKCE, and every answer that must be refused."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from api.web.session import COOKIE_NAME, decode_session
from quietude.settings import Settings
from tests.api.rows import BAILLEUR
from tests.api.web.fake_idp import FakeIdp, serve
from tests.fixtures import asgi_client

CLIENT_ID = "quietude-pages"
CLIENT_SECRET = "secret-du-client-quietude-pages"
SUB = "claire.martin@habitat-essonne.example"
CALLBACK = "http://localhost/connexion/oidc/retour"


@pytest.fixture
def idp(settings: Settings) -> Iterator[FakeIdp]:
    """A provider whose access tokens name a juriste of the demonstration bailleur."""
    claims = {"aud": settings.jwt_audience, "sub": SUB, "org": BAILLEUR, "role": "juriste"}
    with serve(FakeIdp(CLIENT_ID, CLIENT_SECRET, claims)) as provider:
        yield provider


@pytest.fixture
def oidc_settings(app: FastAPI, settings: Settings, idp: FakeIdp) -> Settings:
    """The app configured for the provider, as in production."""
    configured = settings.model_copy(
        update={
            "oidc_issuer_url": idp.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": SecretStr(CLIENT_SECRET),
            "oidc_jwks_url": f"{idp.issuer}/jwks",
            "jwt_issuer": idp.issuer,
        }
    )
    app.state.settings = configured
    return configured


@pytest.fixture
async def idp_http() -> AsyncIterator[httpx.AsyncClient]:
    """The browser's client of the provider: real HTTP, redirections followed by hand."""
    async with httpx.AsyncClient(follow_redirects=False) as client:
        yield client


async def go_to_provider(http: httpx.AsyncClient, idp_http: httpx.AsyncClient) -> str:
    """Start the sign-in and pass the provider's authorization; the URL it sends back to."""
    start = await http.get("/connexion/oidc")
    assert start.status_code == 302, start.text
    authorized = await idp_http.get(start.headers["location"])
    assert authorized.status_code == 302, authorized.text
    return authorized.headers["location"]


def local_path(url: str) -> str:
    """The path and query of a URL of the app, to request it through the ASGI transport."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@pytest.mark.usefixtures("oidc_settings")
async def test_sign_in_through_the_provider_opens_the_session_of_the_bailleur(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, idp: FakeIdp
) -> None:
    start = await http.get("/connexion/oidc", params={"suivant": "/procedures"})
    assert start.status_code == 302
    location = urlsplit(start.headers["location"])
    asked = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{idp.issuer}/authorize"
    assert asked["client_id"] == CLIENT_ID
    assert asked["redirect_uri"] == CALLBACK
    assert asked["code_challenge_method"] == "S256"
    assert {"state", "nonce", "code_challenge"} <= asked.keys()
    assert "openid" in asked["scope"].split()

    authorized = await idp_http.get(start.headers["location"])
    back = urlsplit(authorized.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    assert parse_qs(back.query)["state"] == [asked["state"]]

    signed = await http.get(local_path(authorized.headers["location"]))
    assert (signed.status_code, signed.headers["location"]) == (303, "/procedures"), signed.text
    assert COOKIE_NAME in signed.headers["set-cookie"]
    # The code was exchanged with the client's secret and the PKCE verifier of this sign-in.
    assert len(idp.exchanges) == 1
    assert idp.exchanges[0]["code_verifier"]
    assert not idp.grants

    page = await http.get("/procedures")
    assert page.status_code == 200, page.text
    assert SUB in page.text
    assert "Démo — Habitat Essonne" in page.text
    assert "Mode démonstration" not in page.text


@pytest.mark.usefixtures("oidc_settings")
async def test_a_state_that_is_not_the_sessions_is_refused(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, idp: FakeIdp
) -> None:
    back = urlsplit(await go_to_provider(http, idp_http))
    code = parse_qs(back.query)["code"][0]

    refused = await http.get("/connexion/oidc/retour", params={"code": code, "state": "autre"})
    assert refused.status_code == 403
    assert "pas confirmé la connexion" in refused.text
    assert '<html lang="fr">' in refused.text
    assert not idp.exchanges
    assert (await http.get("/procedures")).status_code == 303


@pytest.mark.usefixtures("oidc_settings")
async def test_a_return_without_the_session_that_started_it_is_refused(
    app: FastAPI, http: httpx.AsyncClient, idp_http: httpx.AsyncClient
) -> None:
    back = await go_to_provider(http, idp_http)
    async with asgi_client(app, "http://localhost") as other:
        refused = await other.get(local_path(back))
    assert refused.status_code == 400
    assert "Connexion interrompue" in refused.text


async def refused_with(http: httpx.AsyncClient, idp_http: httpx.AsyncClient, message: str) -> None:
    """Signing in through the provider is refused (403) with `message`; nobody is signed in."""
    refused = await http.get(local_path(await go_to_provider(http, idp_http)))
    assert refused.status_code == 403
    assert message in refused.text
    assert (await http.get("/procedures")).status_code == 303


@pytest.mark.usefixtures("oidc_settings")
async def test_an_access_token_for_another_audience_is_refused(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, idp: FakeIdp
) -> None:
    idp.claims["aud"] = "un-autre-service"

    await refused_with(http, idp_http, "audience refusée")
    assert len(idp.exchanges) == 1


@pytest.mark.usefixtures("oidc_settings")
async def test_an_id_token_with_another_nonce_is_refused(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, idp: FakeIdp
) -> None:
    idp.id_token_claims["nonce"] = "rejoue"

    await refused_with(http, idp_http, "pas confirmé la connexion")


async def test_a_client_secret_the_provider_does_not_know_is_refused(
    app: FastAPI,
    oidc_settings: Settings,
    http: httpx.AsyncClient,
    idp_http: httpx.AsyncClient,
    idp: FakeIdp,
) -> None:
    wrong = SecretStr("un-secret-que-le-fournisseur-ignore")
    app.state.settings = oidc_settings.model_copy(update={"oidc_client_secret": wrong})

    refused = await http.get(local_path(await go_to_provider(http, idp_http)))
    assert refused.status_code == 403
    assert "pas confirmé la connexion" in refused.text
    assert idp.grants, "the code must not have been spent"


async def test_the_demonstration_sign_in_is_closed_when_the_provider_is_configured(
    oidc_settings: Settings, http: httpx.AsyncClient
) -> None:
    page = await http.get("/connexion")
    assert page.status_code == 200
    assert "Mode démonstration" not in page.text
    assert 'href="/connexion/oidc"' in page.text
    # The page has no form any more: the CSRF token is the one of the session it opened.
    session = decode_session(oidc_settings, http.cookies[COOKIE_NAME])
    assert session is not None
    form = {"csrf": session.csrf, "org": BAILLEUR, "role": "juriste", "nom": ""}
    refused = await http.post("/connexion", data=form)
    assert refused.status_code == 404
    assert "Le mode démonstration est désactivé" in refused.text
    assert (await http.get("/procedures")).status_code == 303
