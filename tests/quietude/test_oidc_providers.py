"""The providers file and the mapping file the administrator writes: read, checked, refused
with a French message that says what is wrong."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from domain.actors import Role
from quietude.oidc_providers import load_providers
from quietude.settings import REPO_ROOT, SettingsError
from quietude.sign_in_mapping import Identity, load_mapping

PROVIDER = {
    "id": "proconnect",
    "label": "ProConnect",
    "base_url": "https://auth.agentconnect.gouv.fr/",
    "discovery_path": "/api/v2/.well-known/openid-configuration",
    "client_id": "quietude",
    "client_secret_env": "PROCONNECT_SECRET",
}


def written(tmp_path: Path, content: object, name: str = "f.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_a_provider_is_read_with_its_discovery_url(tmp_path: Path) -> None:
    (provider,) = load_providers(written(tmp_path, {"fournisseurs": [PROVIDER]}))
    assert provider.discovery_url == (
        "https://auth.agentconnect.gouv.fr/api/v2/.well-known/openid-configuration"
    )
    assert provider.claims.uid == "sub"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "Pro Connect"}, "identifiant « Pro Connect » invalide"),
        ({"base_url": "http://idp.example"}, "https:// obligatoire"),
        ({"scopes": ["email"]}, "« openid »"),
        ({"client_id": None}, "client_id"),
    ],
)
def test_a_wrong_provider_is_refused_in_french(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = written(tmp_path, {"fournisseurs": [{**PROVIDER, **change}]})
    with pytest.raises(SettingsError, match=re.escape(message)):
        load_providers(path)


def test_two_providers_with_one_id_are_refused(tmp_path: Path) -> None:
    path = written(tmp_path, {"fournisseurs": [PROVIDER, PROVIDER]})
    with pytest.raises(SettingsError, match="identifiant en double"):
        load_providers(path)


def test_a_missing_client_secret_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROCONNECT_SECRET", raising=False)
    (provider,) = load_providers(written(tmp_path, {"fournisseurs": [PROVIDER]}))
    with pytest.raises(SettingsError, match="PROCONNECT_SECRET"):
        provider.client_secret()


def test_the_mapping_finds_by_uid_then_email_then_siret(tmp_path: Path) -> None:
    mapping = load_mapping(
        written(
            tmp_path,
            {
                "pc": {
                    "utilisateurs": [
                        {"uid": "u1", "org": "police", "role": "manager"},
                        {"email": "A.B@x.fr", "org": "parquet", "role": "juriste"},
                    ],
                    "siret": {"13000000000001": {"org": "prefecture"}},
                }
            },
        )
    )
    by_uid = mapping.assignment_of(Identity("pc", "u1", email="a.b@x.fr"))
    assert by_uid is not None and (by_uid.org, by_uid.role) == ("police", Role.MANAGER)
    by_email = mapping.assignment_of(Identity("pc", "u2", email="a.b@x.fr"))
    assert by_email is not None and by_email.org == "parquet"
    by_siret = mapping.assignment_of(Identity("pc", "u3", siret="13000000000001"))
    assert by_siret is not None and (by_siret.org, by_siret.role) == ("prefecture", Role.AGENT)
    assert mapping.assignment_of(Identity("autre", "u1")) is None


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"utilisateurs": [{"org": "police"}]}, "soit « uid », soit « email »"),
        ({"siret": {"123": {"org": "police"}}}, "SIRET « 123 » invalide"),
        ({"utilisateurs": [{"uid": "u", "org": "police", "role": "chef"}]}, "role"),
    ],
)
def test_a_wrong_mapping_is_refused_in_french(
    tmp_path: Path, section: dict[str, object], message: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        load_mapping(written(tmp_path, {"pc": section}))


def test_the_readme_examples_are_valid_files(tmp_path: Path) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Connexion : plusieurs fournisseurs OpenID Connect", 1)[1]
    providers, mapping = re.findall(r"```json\n(.*?)```", section, re.DOTALL)[:2]
    assert len(load_providers(written(tmp_path, json.loads(providers), "p.json"))) == 2
    assert "proconnect" in load_mapping(written(tmp_path, json.loads(mapping), "m.json")).root
