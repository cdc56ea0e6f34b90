"""Who a person signed in through a provider is in Quiétude: the organisation and role the
administrator gave them in the mapping file (`QUIETUDE_OIDC_MAPPING_FILE`, JSON), per provider,
by uid or e-mail, else by the SIRET of their establishment with that entry's role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError, model_validator

from domain.actors import Role
from quietude.oidc_providers import first_problem, read_json
from quietude.settings import SettingsError

_SIRET = re.compile(r"\d{14}")


@dataclass(frozen=True)
class Identity:
    """What a provider told of the person signing in, through its claims mapping."""

    provider: str
    uid: str
    email: str = ""
    given_name: str = ""
    family_name: str = ""
    siret: str = ""
    acr: str = ""

    @property
    def subject(self) -> str:
        """The user of the session's token: the e-mail, else the uid and its provider."""
        return self.email or f"{self.uid}@{self.provider}"


class Assignment(BaseModel):
    """An organisation of the reference data and a role in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    org: str = Field(min_length=1)
    role: Role = Role.AGENT


class UserEntry(Assignment):
    """One person, named by uid or by e-mail."""

    uid: str | None = None
    email: str | None = None

    @model_validator(mode="after")
    def _one_name(self) -> UserEntry:
        if (self.uid is None) == (self.email is None):
            raise ValueError("indiquer soit « uid », soit « email » (un seul des deux)")
        return self


class ProviderMapping(BaseModel):
    """The people and establishments a provider may sign in."""

    model_config = ConfigDict(extra="forbid")

    utilisateurs: list[UserEntry] = Field(default_factory=list)
    siret: dict[str, Assignment] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_sirets(self) -> ProviderMapping:
        wrong = [number for number in self.siret if not _SIRET.fullmatch(number)]
        if wrong:
            raise ValueError(f"SIRET « {wrong[0]} » invalide : 14 chiffres attendus")
        return self

    def assignment_of(self, identity: Identity) -> Assignment | None:
        """The organisation and role of this person: by uid, by e-mail, then by SIRET."""
        email = identity.email.casefold()
        for entry in self.utilisateurs:
            if entry.uid is not None and entry.uid == identity.uid:
                return Assignment(org=entry.org, role=entry.role)
        for entry in self.utilisateurs:
            if entry.email is not None and email and entry.email.casefold() == email:
                return Assignment(org=entry.org, role=entry.role)
        return self.siret.get(identity.siret) if identity.siret else None


class SignInMapping(RootModel[dict[str, ProviderMapping]]):
    """The mapping file: one section per provider id."""

    def assignment_of(self, identity: Identity) -> Assignment | None:
        """The organisation and role of a person, only from their own provider's section."""
        section = self.root.get(identity.provider)
        return section.assignment_of(identity) if section else None


def load_mapping(path: Path) -> SignInMapping:
    """The mapping in `path`, read again whenever the administrator edits it."""
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = 0.0
    return _load_mapping(path, modified)


@lru_cache(maxsize=4)
def _load_mapping(path: Path, modified: float) -> SignInMapping:
    try:
        return SignInMapping.model_validate(read_json(path))
    except ValidationError as error:
        raise SettingsError(
            f"Fichier des habilitations {path} invalide : {first_problem(error)}"
        ) from None
