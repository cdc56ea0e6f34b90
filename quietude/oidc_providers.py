"""The OpenID Connect providers of the sign-in page, read from the file the administrator
writes (`QUIETUDE_OIDC_PROVIDERS_FILE`, JSON): ProConnect for State agents beside the bailleurs'
own providers, each with its discovery path, scopes, required `acr` and claims mapping."""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from domain.validation_messages import describe_error
from quietude.settings import SettingsError

DEFAULT_DISCOVERY_PATH = "/.well-known/openid-configuration"
_PROVIDER_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


class ClaimNames(BaseModel):
    """Which claim of the provider carries each piece of the identity (ProConnect: `uid`,
    `email`, `given_name`, `usual_name`, `siret`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    uid: str = "sub"
    email: str = "email"
    given_name: str = "given_name"
    family_name: str = "family_name"
    siret: str | None = None


class OidcProvider(BaseModel):
    """One identity provider offered on the sign-in page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="identifiant court, dans l'adresse de connexion")
    label: str = Field(min_length=1, max_length=80)
    base_url: str
    discovery_path: str = DEFAULT_DISCOVERY_PATH
    client_id: str = Field(min_length=1)
    client_secret_env: str = Field(min_length=1)
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    acr_values: tuple[str, ...] = ()
    claims: ClaimNames = ClaimNames()

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _PROVIDER_ID.fullmatch(value):
            raise ValueError(
                f"identifiant « {value} » invalide : lettres minuscules, chiffres et tirets"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ValueError(f"adresse « {value} » invalide : https:// obligatoire")
        return value.rstrip("/")

    @field_validator("discovery_path")
    @classmethod
    def _check_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"chemin de découverte « {value} » : il doit commencer par /")
        return value

    @field_validator("scopes")
    @classmethod
    def _check_scopes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "openid" not in value:
            raise ValueError("les scopes doivent comprendre « openid »")
        return value

    @property
    def discovery_url(self) -> str:
        """Where the provider publishes its configuration."""
        return f"{self.base_url}{self.discovery_path}"

    def client_secret(self) -> str:
        """The client secret, read from the environment variable the file names."""
        secret = os.environ.get(self.client_secret_env, "")
        if not secret:
            raise SettingsError(
                f"Fournisseur « {self.label} » : la variable d'environnement "
                f"{self.client_secret_env} (secret du client) est vide ou absente."
            )
        return secret


class ProvidersFile(BaseModel):
    """The providers file: `{"fournisseurs": [...]}`."""

    model_config = ConfigDict(extra="forbid")

    fournisseurs: list[OidcProvider] = Field(min_length=1)


def load_providers(path: Path) -> tuple[OidcProvider, ...]:
    """The providers listed in `path`; a French SettingsError if the file is unusable."""
    return _load_providers(path, _modified(path))


@lru_cache(maxsize=4)
def _load_providers(path: Path, modified: float) -> tuple[OidcProvider, ...]:
    # Cached by modification time: an edited file is read again without a restart.
    try:
        parsed = ProvidersFile.model_validate(read_json(path))
    except ValidationError as error:
        raise SettingsError(
            f"Fichier des fournisseurs {path} invalide : {first_problem(error)}"
        ) from None
    ids = [provider.id for provider in parsed.fournisseurs]
    doubled = sorted({provider_id for provider_id in ids if ids.count(provider_id) > 1})
    if doubled:
        raise SettingsError(
            f"Fichier des fournisseurs {path} : identifiant en double ({', '.join(doubled)})."
        )
    return tuple(parsed.fournisseurs)


def read_json(path: Path) -> object:
    """The JSON content of a configuration file, or a French SettingsError."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SettingsError(f"Fichier {path} illisible : {error.strerror}.") from None
    except json.JSONDecodeError as error:
        raise SettingsError(
            f"Fichier {path} : JSON invalide ligne {error.lineno}, colonne {error.colno}."
        ) from None


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = " › ".join(str(part) for part in problem["loc"])
    return f"{where} : {describe_error(problem)}" if where else describe_error(problem)
