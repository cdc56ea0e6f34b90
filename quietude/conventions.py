"""The conventions sécurité – tranquillité résidentielle signed per département, read from the
TOML file an administrator edits (`Settings.conventions_file`, data/conventions.toml)."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session, col, select

from domain.calendar import french_date
from domain.procedures import DEFINITIONS
from domain.steps import DeadlineKind
from domain.territory import departement_of
from quietude.settings import SettingsError, parse_sla
from store.departement_filter import scope_departements
from store.tables import Commune
from store.visibility import Scope

# Codes of the départements (COG): 01 to 95 with Corsica as 2A and 2B, then the DROM.
DEPARTEMENTS = frozenset(
    [f"{number:02d}" for number in range(1, 96) if number != 20]
    + ["2A", "2B", "971", "972", "973", "974", "976"]
)
NO_CONVENTION = "aucune convention signée : objectifs par défaut"
# The step keys whose due date is a target of the convention, in any kind of procedure.
SLA_STEP_KEYS = frozenset(
    spec.key
    for item in DEFINITIONS.values()
    for spec in item.catalog.steps
    if spec.deadline == DeadlineKind.SLA
)


class ConventionsError(SettingsError):
    """The conventions file cannot be used; the message names the file, département, field."""


class Convention(BaseModel):
    """One département's signed convention, as its entry in the file says."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    title: str = Field(alias="titre", min_length=1)
    signed_on: date = Field(alias="date")
    signatories: list[str] = Field(default_factory=list, alias="signataires")
    source: str = Field(min_length=1)
    # Customary targets per step key, as Settings.sla writes them ("2jo", "15j", "2m").
    targets: dict[str, str] = Field(default_factory=dict, alias="objectifs")
    # The end of the trêve hivernale when the département's differs from the national rule.
    treve_end: str | None = Field(default=None, alias="fin_treve")

    @field_validator("targets")
    @classmethod
    def _check_targets(cls, value: dict[str, str]) -> dict[str, str]:
        for step_key, delay in value.items():
            if step_key not in SLA_STEP_KEYS:
                raise ValueError(
                    f"étape « {step_key} » inconnue ou sans objectif de convention "
                    "(clés possibles : " + ", ".join(sorted(SLA_STEP_KEYS)) + ")"
                )
            try:
                parse_sla(delay)
            except ValueError as error:
                raise ValueError(f"étape « {step_key} » : {error}") from None
        return value

    @field_validator("treve_end")
    @classmethod
    def _check_treve_end(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                datetime.strptime(f"2000-{value}", "%Y-%m-%d")
            except ValueError:
                raise ValueError(
                    f"« {value} » invalide : format attendu MM-JJ, par exemple 03-31"
                ) from None
        return value

    @property
    def name(self) -> str:
        """How pages and reports name it: its title and the day it was signed."""
        return f"{self.title} du {french_date(self.signed_on)}"


class Conventions(BaseModel):
    """Every signed convention, by département code; the others have none."""

    by_departement: dict[str, Convention] = Field(default_factory=dict)

    def of(self, departement: str) -> Convention | None:
        """The convention signed in `departement`, or None."""
        return self.by_departement.get(departement)

    def regular_treve_ends(self) -> dict[str, tuple[int, int]]:
        """The usual end (month, day) of the trêve in the départements whose convention sets
        its own."""
        ends: dict[str, tuple[int, int]] = {}
        for departement, convention in self.by_departement.items():
            if convention.treve_end:
                month, day = (int(part) for part in convention.treve_end.split("-"))
                ends[departement] = (month, day)
        return ends

    def wording(self, departement: str) -> str:
        """Which convention applies in `departement`, in words."""
        convention = self.of(departement)
        return convention.name if convention else NO_CONVENTION


class ConventionInView(BaseModel):
    """Which convention applies in a département a page or report shows."""

    departement: str
    title: str | None = None
    signed_on: date | None = None
    wording: str  # the convention's name and date, or NO_CONVENTION


def in_view(conventions: Conventions, departements: list[str]) -> list[ConventionInView]:
    """The convention of each département in view (none signed: the defaults, said so)."""
    shown: list[ConventionInView] = []
    for departement in departements:
        convention = conventions.of(departement)
        shown.append(
            ConventionInView(
                departement=departement,
                title=convention.title if convention else None,
                signed_on=convention.signed_on if convention else None,
                wording=conventions.wording(departement),
            )
        )
    return shown


def departements_in_view(
    session: Session,
    commune: str | None = None,
    departement: str | None = None,
    scope: Scope | None = None,
) -> list[str]:
    """The départements a page shows: the commune's when one is chosen, else the département
    chosen, else those of the caller's scope (store.departement_filter), else every
    département whose communes are loaded in the reference data."""
    if commune:
        try:
            return [departement_of(commune)]
        except ValueError:
            pass  # not a commune code: the page shows every département
    if departement:
        return [departement]
    if scope is not None:
        own = scope_departements(session, scope)
        if own:
            return own
    insees = session.exec(select(col(Commune.insee))).all()
    return sorted({departement_of(insee) for insee in insees})


def read_conventions(path: Path) -> Conventions:
    """Read and check the conventions file (ConventionsError, in French, when unusable);
    a missing file means no département has signed one."""
    if not path.exists():
        return Conventions()
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ConventionsError(f"{path} : fichier TOML illisible ({error}).") from None
    unknown_keys = set(document) - {"departements"}
    if unknown_keys:
        raise ConventionsError(
            f"{path} : rubrique inconnue « {sorted(unknown_keys)[0]} » "
            "(seule [departements.<code>] est attendue)."
        )
    entries = document.get("departements", {})
    conventions: dict[str, Convention] = {}
    for code, entry in entries.items():
        if code not in DEPARTEMENTS:
            raise ConventionsError(
                f"{path}, département « {code} » : code de département inconnu "
                "(attendu : 01 à 95, 2A, 2B, 971 à 976)."
            )
        try:
            conventions[code] = Convention.model_validate(entry)
        except ValidationError as error:
            raise ConventionsError(f"{path}, département {code} : {_first_error(error)}") from None
    return Conventions(by_departement=conventions)


@lru_cache(maxsize=8)
def load_conventions(path: Path) -> Conventions:
    """The conventions of `path`, read once per process (a change needs a restart)."""
    return read_conventions(path)


def _first_error(error: ValidationError) -> str:
    """The first problem of an entry, naming its field as the file writes it."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "entrée"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        message = "champ obligatoire absent"
    elif first["type"] == "extra_forbidden":
        message = "champ inconnu"
    return f"champ « {field} » : {message}."


def convention_wording(
    session: Session,
    path: Path,
    commune: str | None = None,
    departement: str | None = None,
    scope: Scope | None = None,
) -> str:
    """Which convention applies to a report of `commune` (else of `departement`, else of the
    caller's scope or every département loaded), in words: one line per département in view."""
    departements = departements_in_view(session, commune, departement, scope)
    shown = in_view(load_conventions(path), departements)
    if len(shown) == 1:
        return shown[0].wording
    return " ; ".join(f"{item.departement} : {item.wording}" for item in shown)
