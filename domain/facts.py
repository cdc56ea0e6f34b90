"""What every start body and every action body shares: the strict base, the résidence, persons,
a dossier already in progress, links; the bodies of a completion, a declaration, a withdrawal.
Each kind's own facts are in its definition (domain/procedures/<kind>.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from domain.labels import Labelled

# The facts happen in France: their day is the day in Paris, whatever offset the client sent.
PARIS = ZoneInfo("Europe/Paris")


def paris_day(moment: datetime) -> date:
    """The day in Paris of an aware moment (23:30 UTC on 10 March is 11 March in Paris)."""
    return moment.astimezone(PARIS).date()


class Strict(BaseModel):
    """Extra fields are refused rather than ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    # How a page names one item of a list of these ("personne" in "Nom (personne 2)").
    noun: ClassVar[str] = ""


class Residence(Strict):
    noun: ClassVar[str] = "résidence"

    nom: str = Field(min_length=1, max_length=200, title="Nom de la résidence")
    adresse: str = Field(min_length=1, max_length=300, title="Adresse")
    commune_insee: str = Field(pattern=r"^\d[0-9AB]\d{3}$", title="Commune")
    batiment: str | None = Field(default=None, max_length=50, title="Bâtiment")
    hall: str | None = Field(default=None, max_length=50, title="Hall")


class PersonneConcernee(Strict):
    noun: ClassVar[str] = "personne"

    nom: str = Field(min_length=1, max_length=100, title="Nom")
    prenom: str | None = Field(default=None, max_length=100, title="Prénom")
    locataire: bool = Field(default=False, title="Locataire")


class Personne(Strict):
    noun: ClassVar[str] = "personne"

    nom: str = Field(min_length=1, max_length=100, title="Nom")
    prenom: str | None = Field(default=None, max_length=100, title="Prénom")


class EnCours(Strict):
    """A dossier already in progress: its current step and the dates of the acts done."""

    etape: str
    dates: dict[str, date] = Field(default_factory=dict)
    outcomes: dict[str, str] = Field(default_factory=dict)
    data: dict[str, dict[str, Any]] = Field(default_factory=dict)


class Lien(Strict):
    """A procedure this dossier rests on (signalement, plainte, judgment)."""

    procedure_id: str = Field(min_length=1, max_length=100, title="Procédure")


class CategorieSignalement(Labelled):
    """What the facts are, for a signalement and for a plainte alike."""

    TRAFIC_STUPEFIANTS = "trafic_stupefiants", "Trafic de stupéfiants"
    OCCUPATION_HALLS = "occupation_halls", "Occupation des halls"
    TROUBLES_JOUISSANCE = "troubles_jouissance", "Troubles de jouissance"
    DEGRADATIONS = "degradations", "Dégradations"
    AGRESSION_PERSONNEL = "agression_personnel", "Agression du personnel"
    AUTRE = "autre", "Autre"


class StartFacts(Strict):
    """The start body of a procedure of any kind: a dossier in progress may be imported."""

    kind: str  # each kind's facts name it (a Literal)
    en_cours: EnCours | None = None

    # Where `place` and `facts_date` are typed (dotted input names), to tie a refusal to them.
    place_field: ClassVar[str] = "residence"
    facts_date_field: ClassVar[str | None] = None

    @property
    def place(self) -> Residence:
        """The résidence the dossier concerns (its commune decides who is competent)."""
        raise NotImplementedError

    @property
    def linked(self) -> list[Lien]:
        """The procedures of the same bailleur this one rests on."""
        return []

    @property
    def facts_date(self) -> date | None:
        """The day of the facts, for kinds that report facts (never in the future)."""
        return None

    @property
    def sworn_agent(self) -> str | None:
        """The assermentation of the sworn agent whose procès-verbal this is, if any."""
        return None

    @property
    def chosen_commissaire(self) -> str | None:
        """The commissaire de justice the bailleur chose, if any (an organisation id)."""
        return None


class StepCompletion(Strict):
    """The body of POST /api/procedures/{id}/steps/{key}."""

    outcome: str = Field(min_length=1)
    date: date
    data: dict[str, Any] = Field(default_factory=dict)
    comment: str | None = Field(default=None, max_length=5_000)


class DeclarationBody(Strict):
    """The body of POST /api/procedures/{id}/declarations."""

    type: str = Field(min_length=1, max_length=50)
    date: date
    comment: str | None = Field(default=None, max_length=5_000)
    data: dict[str, Any] = Field(default_factory=dict)


class Cancellation(Strict):
    """The body of POST /api/procedures/{id}/cancel."""

    reason: str = Field(min_length=1, max_length=2_000)
