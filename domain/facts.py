"""What a bailleur enters to start a procedure (the start bodies of the API), validated."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Extra fields are refused rather than ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Residence(Strict):
    nom: str = Field(min_length=1, max_length=200)
    adresse: str = Field(min_length=1, max_length=300)
    commune_insee: str = Field(pattern=r"^\d[0-9AB]\d{3}$")
    batiment: str | None = Field(default=None, max_length=50)
    hall: str | None = Field(default=None, max_length=50)


class PersonneConcernee(Strict):
    nom: str = Field(min_length=1, max_length=100)
    prenom: str | None = Field(default=None, max_length=100)
    locataire: bool = False


class EnCours(Strict):
    """A dossier already in progress: its current step and the dates of the acts done."""

    etape: str
    dates: dict[str, date] = Field(default_factory=dict)
    outcomes: dict[str, str] = Field(default_factory=dict)
    data: dict[str, dict[str, Any]] = Field(default_factory=dict)


class CategorieSignalement(StrEnum):
    TRAFIC_STUPEFIANTS = "trafic_stupefiants"
    OCCUPATION_HALLS = "occupation_halls"
    TROUBLES_JOUISSANCE = "troubles_jouissance"
    DEGRADATIONS = "degradations"
    AGRESSION_PERSONNEL = "agression_personnel"
    AUTRE = "autre"


class SourceSignalement(StrEnum):
    AGENT = "agent"
    AGENT_ASSERMENTE = "agent_assermente"
    LOCATAIRE = "locataire"
    GARDIEN = "gardien"


class Destinataire(StrEnum):
    FORCES = "forces"
    PARQUET = "parquet"  # dénonciation au procureur (CPP 40)
    FORCES_ET_PARQUET = "forces_et_parquet"


class SignalementFacts(Strict):
    kind: Literal["signalement"]
    residence: Residence
    categorie: CategorieSignalement
    faits_le: AwareDatetime
    description: str = Field(min_length=1, max_length=10_000)
    source: SourceSignalement
    destinataire: Destinataire = Destinataire.FORCES
    constate_le: date | None = None  # finding of a sworn agent, if not the day of the facts
    personnes: list[PersonneConcernee] = Field(default_factory=list)
    en_cours: EnCours | None = None

    @property
    def finding_date(self) -> date:
        """The day of the finding, from which a sworn agent's PV is due (CPP 29)."""
        return self.constate_le or self.faits_le.date()


# The body of POST /api/procedures: one model per kind, chosen by "kind".
StartBody = Annotated[SignalementFacts, Field(discriminator="kind")]


class StepCompletion(Strict):
    """The body of POST /api/procedures/{id}/steps/{key}."""

    outcome: str = Field(min_length=1)
    date: date
    data: dict[str, Any] = Field(default_factory=dict)
    comment: str | None = Field(default=None, max_length=5_000)


class Cancellation(Strict):
    """The body of POST /api/procedures/{id}/cancel."""

    reason: str = Field(min_length=1, max_length=2_000)
