"""Signing in through several OpenID Connect providers side by side, end to end against two fake
providers on loopback: a ProConnect-like one (discovery under /api/v2, `acr`, a signed userinfo
with `uid`, `usual_name` and `siret`) for State agents, and a bailleur's own provider."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from quietude.settings import Settings
from tests.api.rows import BAILLEUR, PARQUET, POLICE_EVRY
from tests.api.web.fake_idp import FakeIdp, serve
from tests.fixtures import asgi_client

PROCONNECT_DISCOVERY = "/api/v2/.well-known/openid-configuration"
AGENT_EMAIL = "camille.durand@interieur.gouv.fr"
JURISTE_EMAIL = "claire.martin@habitat-essonne.example"


@pytest.fixture
def proconnect() -> Iterator[FakeIdp]:
    """ProConnect as State agents meet it: the agent's identity in a signed userinfo."""
    idp = FakeIdp(
        "quietude-proconnect",
        "secret-proconnect",
        {"sub": "pc-5f2a"},
        id_token_claims={"acr": "eidas2"},
        discovery_path=PROCONNECT_DISCOVERY,
        userinfo={
            "uid": "agent-0042",
            "email": AGENT_EMAIL,
            "given_name": "Camille",
            "usual_name": "Durand",
            "siret": "13000000000001",
        },
        userinfo_jwt=True,
    )
    with serve(idp) as served:
        yield served


@pytest.fixture
def bailleur_idp() -> Iterator[FakeIdp]:
    """A bailleur's own provider: the e-mail in the ID token, no userinfo."""
    idp = FakeIdp("quietude-bailleur", "secret-bailleur", {"sub": "b-77"}, {"email": JURISTE_EMAIL})
    with serve(idp) as served:
        yield served


def write_json(path: Path, content: object) -> Path:
    """`content` written as JSON at `path`."""
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


@pytest.fixture
def providers_settings(
    app: FastAPI,
    settings: Settings,
    tmp_path: Path,
    proconnect: FakeIdp,
    bailleur_idp: FakeIdp,
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    """The app configured with both providers and the administrator's mapping."""
    monkeypatch.setenv("TEST_PROCONNECT_SECRET", "secret-proconnect")
    monkeypatch.setenv("TEST_BAILLEUR_SECRET", "secret-bailleur")
    providers = {
        "fournisseurs": [
            {
                "id": "proconnect",
                "label": "ProConnect",
                "base_url": proconnect.issuer,
                "discovery_path": PROCONNECT_DISCOVERY,
                "client_id": "quietude-proconnect",
                "client_secret_env": "TEST_PROCONNECT_SECRET",
                "scopes": ["openid", "uid", "email", "given_name", "usual_name", "siret"],
                "acr_values": ["eidas2", "eidas3"],
                "claims": {"uid": "uid", "family_name": "usual_name", "siret": "siret"},
            },
            {
                "id": "habitat-essonne",
                "label": "Habitat Essonne",
                "base_url": bailleur_idp.issuer,
                "client_id": "quietude-bailleur",
                "client_secret_env": "TEST_BAILLEUR_SECRET",
            },
        ]
    }
    mapping = {
        "proconnect": {
            "utilisateurs": [{"uid": "agent-0042", "org": POLICE_EVRY, "role": "manager"}],
            "siret": {"13000000000009": {"org": PARQUET}},
        },
        "habitat-essonne": {
            "utilisateurs": [
                {
                    "email": "Claire.Martin@habitat-essonne.example",
                    "org": BAILLEUR,
                    "role": "juriste",
                }
            ]
        },
    }
    configured = settings.model_copy(
        update={
            "oidc_providers_file": write_json(tmp_path / "fournisseurs.json", providers),
            "oidc_mapping_file": write_json(tmp_path / "habilitations.json", mapping),
        }
    )
    app.state.settings = configured
    return configured


@pytest.fixture
async def idp_http() -> AsyncIterator[httpx.AsyncClient]:
    """The browser's client of the providers: real HTTP, redirections followed by hand."""
    async with httpx.AsyncClient(follow_redirects=False) as client:
        yield client


def local_path(url: str) -> str:
    """The path and query of a URL of the app, to request it through the ASGI transport."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def through(http: httpx.AsyncClient, idp_http: httpx.AsyncClient, provider: str) -> str:
    """Start the sign-in with `provider` and pass its authorization; the URL it sends back to."""
    start = await http.get(f"/connexion/fournisseur/{provider}")
    assert start.status_code == 302, start.text
    authorized = await idp_http.get(start.headers["location"])
    assert authorized.status_code == 302, authorized.text
    return str(authorized.headers["location"])


async def refused(http: httpx.AsyncClient, back: str, status: int = 403) -> str:
    """The provider's return is refused with `status` and nobody is signed in; its page."""
    answer = await http.get(local_path(back))
    assert answer.status_code == status, answer.text
    assert '<html lang="fr">' in answer.text
    assert (await http.get("/corbeille")).status_code == 303
    return answer.text


@pytest.mark.usefixtures("providers_settings")
async def test_the_sign_in_page_offers_one_button_per_provider(http: httpx.AsyncClient) -> None:
    page = await http.get("/connexion", params={"suivant": "/corbeille"})
    assert page.status_code == 200
    assert 'href="/connexion/fournisseur/proconnect?suivant=/corbeille"' in page.text
    assert "Se connecter avec ProConnect" in page.text
    assert "Se connecter avec Habitat Essonne" in page.text
    assert 'href="/connexion/oidc' not in page.text
    assert "Mode démonstration" not in page.text


@pytest.mark.usefixtures("providers_settings")
async def test_a_state_agent_signs_in_through_proconnect_with_the_org_and_role_of_the_mapping(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, proconnect: FakeIdp
) -> None:
    back = await through(http, idp_http, "proconnect")
    asked = proconnect.authorizations[0]
    assert asked["acr_values"] == "eidas2 eidas3"
    assert json.loads(asked["claims"]) == {
        "id_token": {"acr": {"essential": True, "values": ["eidas2", "eidas3"]}}
    }
    assert {"state", "nonce", "code_challenge"} <= asked.keys()
    assert urlsplit(back).path == "/connexion/fournisseur/proconnect/retour"

    signed = await http.get(local_path(back))
    assert (signed.status_code, signed.headers["location"]) == (303, "/corbeille"), signed.text
    page = await http.get("/corbeille")
    assert page.status_code == 200
    assert f"{AGENT_EMAIL} — Commissariat" in page.text
    assert "(Responsable)" in page.text


@pytest.mark.usefixtures("providers_settings")
async def test_an_agent_unknown_by_uid_is_given_the_org_of_its_siret(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, proconnect: FakeIdp
) -> None:
    assert proconnect.userinfo is not None
    proconnect.userinfo.update(uid="agent-0099", siret="13000000000009")

    signed = await http.get(local_path(await through(http, idp_http, "proconnect")))
    assert signed.status_code == 303, signed.text
    page = await http.get("/corbeille")
    assert "Parquet" in page.text
    assert "(Agent)" in page.text


@pytest.mark.usefixtures("providers_settings")
async def test_a_bailleur_signs_in_through_its_own_provider(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, bailleur_idp: FakeIdp
) -> None:
    signed = await http.get(local_path(await through(http, idp_http, "habitat-essonne")))
    assert (signed.status_code, signed.headers["location"]) == (303, "/procedures"), signed.text
    page = await http.get("/procedures")
    assert f"{JURISTE_EMAIL} — Démo — Habitat Essonne (bailleur fictif) (Juriste)" in page.text
    assert "acr_values" not in bailleur_idp.authorizations[0]


@pytest.mark.parametrize("acr", ["eidas1", None])
@pytest.mark.usefixtures("providers_settings")
async def test_an_authentication_weaker_than_required_is_refused(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, proconnect: FakeIdp, acr: str | None
) -> None:
    if acr is None:
        del proconnect.id_token_claims["acr"]
    else:
        proconnect.id_token_claims["acr"] = acr

    page = await refused(http, await through(http, idp_http, "proconnect"))
    assert "Niveau d&#39;authentification insuffisant" in page
    assert "« eidas2 » ou « eidas3 »" in page


@pytest.mark.usefixtures("providers_settings")
async def test_an_agent_the_mapping_does_not_know_is_refused(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, proconnect: FakeIdp
) -> None:
    assert proconnect.userinfo is not None
    proconnect.userinfo.update(uid="agent-0099", siret="13000000000777")

    page = await refused(http, await through(http, idp_http, "proconnect"))
    assert f"Le compte « {AGENT_EMAIL} » n&#39;est pas habilité dans Quiétude" in page


@pytest.mark.usefixtures("providers_settings")
async def test_a_person_is_mapped_only_from_the_section_of_its_own_provider(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, bailleur_idp: FakeIdp
) -> None:
    # The bailleur's provider vouches for an address the ProConnect section knows: no parquet.
    bailleur_idp.claims["sub"] = "agent-0042"
    bailleur_idp.id_token_claims["email"] = AGENT_EMAIL

    page = await refused(http, await through(http, idp_http, "habitat-essonne"))
    assert "n&#39;est pas habilité" in page


@pytest.mark.usefixtures("providers_settings")
async def test_a_state_that_is_not_the_sessions_is_refused(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, proconnect: FakeIdp
) -> None:
    back = urlsplit(await through(http, idp_http, "proconnect"))
    code = parse_qs(back.query)["code"][0]

    page = await refused(http, f"{back.path}?code={code}&state=autre")
    assert "pas confirmé la connexion" in page
    assert not proconnect.exchanges


@pytest.mark.usefixtures("providers_settings")
async def test_an_id_token_with_another_nonce_is_refused(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, proconnect: FakeIdp
) -> None:
    proconnect.id_token_claims["nonce"] = "rejoue"

    page = await refused(http, await through(http, idp_http, "proconnect"))
    assert "pas confirmé la connexion" in page


@pytest.mark.usefixtures("providers_settings")
async def test_a_userinfo_signed_by_another_key_is_refused(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, proconnect: FakeIdp
) -> None:
    proconnect.userinfo_forged_by = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    page = await refused(http, await through(http, idp_http, "proconnect"))
    assert "pas confirmé la connexion" in page


@pytest.mark.usefixtures("providers_settings")
async def test_a_userinfo_of_another_person_is_refused(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient, proconnect: FakeIdp
) -> None:
    assert proconnect.userinfo is not None
    proconnect.userinfo["sub"] = "pc-autre"
    back = await through(http, idp_http, "proconnect")

    page = await refused(http, back)
    assert "pas confirmé la connexion" in page


@pytest.mark.usefixtures("providers_settings")
async def test_a_return_to_another_provider_than_the_one_started_is_refused(
    http: httpx.AsyncClient, idp_http: httpx.AsyncClient
) -> None:
    back = urlsplit(await through(http, idp_http, "proconnect"))
    page = await refused(http, f"/connexion/fournisseur/habitat-essonne/retour?{back.query}", 400)
    assert "Connexion interrompue" in page


@pytest.mark.usefixtures("providers_settings")
async def test_a_return_without_the_session_that_started_it_is_refused(
    app: FastAPI, http: httpx.AsyncClient, idp_http: httpx.AsyncClient
) -> None:
    back = await through(http, idp_http, "proconnect")
    async with asgi_client(app, "http://localhost") as other:
        answer = await other.get(local_path(back))
    assert answer.status_code == 400
    assert "Connexion interrompue" in answer.text


@pytest.mark.usefixtures("providers_settings")
async def test_an_unknown_provider_is_a_french_404(http: httpx.AsyncClient) -> None:
    answer = await http.get("/connexion/fournisseur/inconnu")
    assert answer.status_code == 404
    assert "Fournisseur d&#39;identité « inconnu » inconnu." in answer.text


async def test_an_unusable_providers_file_is_a_french_503(
    app: FastAPI, settings: Settings, tmp_path: Path, http: httpx.AsyncClient
) -> None:
    broken = tmp_path / "fournisseurs.json"
    broken.write_text("{ pas du JSON", encoding="utf-8")
    app.state.settings = settings.model_copy(update={"oidc_providers_file": broken})

    answer = await http.get("/connexion")
    assert answer.status_code == 503
    assert "JSON invalide ligne 1" in answer.text


async def test_the_session_holds_beside_the_single_providers_token_keys(
    app: FastAPI,
    providers_settings: Settings,
    http: httpx.AsyncClient,
    idp_http: httpx.AsyncClient,
    bailleur_idp: FakeIdp,
) -> None:
    # The API keeps taking the older single provider's tokens; the pages' session is ours.
    update = {"oidc_jwks_url": f"{bailleur_idp.issuer}/jwks"}
    app.state.settings = providers_settings.model_copy(update=update)

    signed = await http.get(local_path(await through(http, idp_http, "habitat-essonne")))
    assert signed.status_code == 303, signed.text
    assert (await http.get("/procedures")).status_code == 200
