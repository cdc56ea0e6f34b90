"""Signing in and out through the pages: demonstration mode, session cookie, CSRF."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from api.web.session import COOKIE_NAME
from quietude.settings import Settings
from tests.api.rows import BAILLEUR, POLICE_EVRY
from tests.api.web.browsing import Browser, csrf_of


def cookie_header(response: httpx.Response) -> str:
    """The Set-Cookie header of the session cookie."""
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE_NAME)]
    assert len(headers) == 1, response.headers
    return headers[0].lower()


async def test_sign_in_page_is_marked_as_demonstration(http: httpx.AsyncClient) -> None:
    page = await http.get("/connexion")
    assert page.status_code == 200
    assert "Mode démonstration" in page.text
    assert '<html lang="fr">' in page.text
    assert 'value="parquet-evry"' in page.text


async def test_session_cookie_is_httponly_lax_and_not_secure_on_localhost(
    http: httpx.AsyncClient,
) -> None:
    header = cookie_header(await http.get("/connexion"))
    assert "httponly" in header
    assert "samesite=lax" in header
    assert "secure" not in header


async def test_session_cookie_is_secure_outside_localhost(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://quietude.example") as c:
        header = cookie_header(await c.get("/connexion"))
    assert "secure" in header
    assert "httponly" in header


async def test_demo_sign_in_lands_a_bailleur_on_its_procedures_and_a_partner_on_its_inbox(
    app: FastAPI, browser: Browser
) -> None:
    signed = await browser.sign_in(BAILLEUR, "juriste", "Claire Martin")
    assert (signed.status_code, signed.headers["location"]) == (303, "/procedures")
    page = await browser.http.get("/procedures")
    assert "Claire Martin" in page.text
    assert "Démo — Habitat Essonne" in page.text

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as other:
        police = await Browser(other).sign_in(POLICE_EVRY, "agent")
    assert police.headers["location"] == "/corbeille"


async def test_sign_in_goes_back_to_the_page_asked_but_never_to_another_site(
    browser: Browser,
) -> None:
    asked = await browser.http.get("/corbeille?retard=oui")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/connexion?suivant=/corbeille%3Fretard%3Doui"
    page = await browser.http.get(asked.headers["location"])
    assert 'name="suivant" value="/corbeille?retard=oui"' in page.text
    form = {"csrf": csrf_of(page.text), "org": BAILLEUR, "role": "juriste", "nom": ""}
    back = await browser.http.post("/connexion", data={**form, "suivant": "/corbeille?retard=oui"})
    assert back.headers["location"] == "/corbeille?retard=oui"
    again = await browser.http.get("/connexion")
    away = await browser.http.post(
        "/connexion", data={**form, "csrf": csrf_of(again.text), "suivant": "//evil.example/"}
    )
    assert away.headers["location"] == "/procedures"


async def test_forms_without_the_session_csrf_token_are_refused(browser: Browser) -> None:
    page = await browser.http.get("/connexion")
    form = {"org": BAILLEUR, "role": "juriste", "nom": ""}
    missing = await browser.http.post("/connexion", data=form)
    wrong = await browser.http.post("/connexion", data={**form, "csrf": "x" * 43})
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert "Ce formulaire a expiré" in missing.text
    assert COOKIE_NAME not in missing.headers.get("set-cookie", "")
    right = await browser.http.post("/connexion", data={**form, "csrf": csrf_of(page.text)})
    assert right.status_code == 303


async def test_an_unknown_organisation_or_role_is_refused_beside_its_field(
    browser: Browser,
) -> None:
    page = await browser.http.get("/connexion")
    form = {"csrf": csrf_of(page.text), "org": "bailleur-inconnu", "role": "chef", "nom": "Léa"}
    refused = await browser.http.post("/connexion", data=form)
    assert refused.status_code == 422
    assert 'id="f-org-erreur"' in refused.text
    assert 'aria-describedby="f-role-aide f-role-erreur"' in refused.text
    assert 'value="Léa"' in refused.text


async def test_signing_out_removes_the_session(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    token = await browser.form_token("/procedures")
    out = await browser.http.post("/deconnexion", data={"csrf": token})
    assert (out.status_code, out.headers["location"]) == (303, "/connexion")
    assert (await browser.http.get("/procedures")).status_code == 303


async def test_a_forged_session_cookie_is_ignored(http: httpx.AsyncClient) -> None:
    http.cookies.set(COOKIE_NAME, "eyJjIjoieCIsImkiOjEsInQiOiJ4In0.forged", domain="localhost")
    page = await http.get("/procedures")
    assert page.status_code == 303


async def test_demo_mode_is_off_when_an_identity_provider_is_configured(
    app: FastAPI, settings: Settings, browser: Browser
) -> None:
    page = await browser.http.get("/connexion")
    token = csrf_of(page.text)
    app.state.settings = settings.model_copy(update={"oidc_jwks_url": "https://idp.example/jwks"})
    production = await browser.http.get("/connexion")
    refused = await browser.http.post(
        "/connexion", data={"csrf": token, "org": BAILLEUR, "role": "admin", "nom": ""}
    )
    assert "Mode démonstration" not in production.text
    assert 'href="/connexion/oidc"' in production.text
    assert refused.status_code == 404


async def test_the_identity_provider_route_says_when_it_is_not_configured(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/connexion/oidc")
    assert page.status_code == 503
    assert "pas encore configurée" in page.text
