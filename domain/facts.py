"""What a bailleur enters to start a procedure (the start bodies of the API), validated."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator


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
    agent_assermente: str | None = None  # the agent's assermentation procedure, for a PV
    infraction: str | None = Field(default=None, max_length=50)  # recorded by the PV
    personnes: list[PersonneConcernee] = Field(default_factory=list)
    en_cours: EnCours | None = None

    @model_validator(mode="after")
    def _a_pv_names_its_agent(self) -> SignalementFacts:
        sworn = self.source == SourceSignalement.AGENT_ASSERMENTE
        if sworn and not (self.agent_assermente and self.infraction):
            raise ValueError(
                "le procès-verbal d'un agent assermenté nomme l'agent "
                "(agent_assermente) et l'infraction constatée (infraction)"
            )
        if not sworn and self.agent_assermente:
            raise ValueError("agent_assermente n'accompagne que la source agent_assermente")
        return self

    @property
    def finding_date(self) -> date:
        """The day of the finding, from which a sworn agent's PV is due (CPP 29)."""
        return self.constate_le or self.faits_le.date()


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


class Cancellation(Strict):
    """The body of POST /api/procedures/{id}/cancel."""

    reason: str = Field(min_length=1, max_length=2_000)


class Logement(Strict):
    residence: Residence
    reference: str = Field(min_length=1, max_length=100)


class Bail(Strict):
    reference: str = Field(min_length=1, max_length=100)
    date_effet: date


class Personne(Strict):
    nom: str = Field(min_length=1, max_length=100)
    prenom: str | None = Field(default=None, max_length=100)


class MotifResiliation(StrEnum):
    TROUBLES_JOUISSANCE = "troubles_jouissance"
    TRAFIC_STUPEFIANTS = "trafic_stupefiants"
    AGRESSION_PERSONNEL = "agression_personnel"
    AUTRE = "autre"


class OrigineResiliation(StrEnum):
    BAILLEUR = "bailleur"
    INJONCTION_PREFET = "injonction_prefet"  # CCH L. 442-4-3 (narcotrafic)


class ExceptionTreve(StrEnum):
    """Cases where the trêve hivernale does not stop the expulsion (CPCE L. 412-6 to 412-8)."""

    RELOGEMENT_ASSURE = "relogement_assure"
    VOIE_DE_FAIT = "entree_voie_de_fait"
    LOGEMENT_ETUDIANT = "logement_etudiant"
    CONJOINT_VIOLENT = "conjoint_violent"


class Injonction(Strict):
    date: date


class Lien(Strict):
    """A procedure this dossier rests on (signalement, plainte, judgment)."""

    procedure_id: str = Field(min_length=1, max_length=100)


class ResiliationFacts(Strict):
    kind: Literal["resiliation"]
    logement: Logement
    bail: Bail
    locataires: list[Personne] = Field(min_length=1)
    occupants: list[Personne] = Field(default_factory=list)
    motifs: list[MotifResiliation] = Field(min_length=1)
    impayes: bool = False  # rent arrears also claimed: the préfet is notified of the assignation
    origine: OrigineResiliation = OrigineResiliation.BAILLEUR
    injonction: Injonction | None = None
    commissaire_justice: str | None = None  # organisation id; the demo one by default
    exception_treve: ExceptionTreve | None = None
    liens: list[Lien] = Field(default_factory=list)
    en_cours: EnCours | None = None

    @model_validator(mode="after")
    def _injonction_with_its_origin(self) -> ResiliationFacts:
        if (self.origine == OrigineResiliation.INJONCTION_PREFET) != (self.injonction is not None):
            raise ValueError(
                "l'injonction du préfet (injonction.date) accompagne l'origine injonction_prefet, "
                "et elle seule"
            )
        return self

    @property
    def residence(self) -> Residence:
        return self.logement.residence


class Qualification(StrEnum):
    CONTRAVENTION = "contravention"
    DELIT = "delit"
    CRIME = "crime"


class CanalPlainte(StrEnum):
    COMMISSARIAT = "commissariat"
    BRIGADE = "brigade"
    EN_LIGNE = "en_ligne"  # CPP 15-3-1, listed property offences only
    COURRIER_PROCUREUR = "courrier_procureur"


class Plaignant(Strict):
    """The bailleur as a legal person, or an assaulted staff member it supports."""

    type: Literal["bailleur", "agent_victime"]
    nom: str | None = Field(default=None, max_length=100)
    prenom: str | None = Field(default=None, max_length=100)
    adresse_employeur: bool = False  # the victim gives the employer's address (CPP 40-4-1)

    @model_validator(mode="after")
    def _victim_is_named(self) -> Plaignant:
        if self.type == "agent_victime" and not self.nom:
            raise ValueError("le nom de l'agent victime est requis")
        if self.type == "bailleur" and (self.nom or self.prenom or self.adresse_employeur):
            raise ValueError("le bailleur porte plainte en tant que personne morale : sans nom")
        return self


class FaitsPlainte(Strict):
    categorie: CategorieSignalement
    le: AwareDatetime
    qualification: Qualification
    trafic_stupefiants: bool = False
    description: str = Field(min_length=1, max_length=10_000)


class MisEnCause(Strict):
    nom: str = Field(min_length=1, max_length=100)
    prenom: str | None = Field(default=None, max_length=100)
    locataire: bool = False


class PlainteFacts(Strict):
    kind: Literal["plainte"]
    plaignant: Plaignant
    residence: Residence
    faits: FaitsPlainte
    canal: CanalPlainte
    mis_en_cause: list[MisEnCause] = Field(default_factory=list)
    liens: list[Lien] = Field(default_factory=list)
    en_cours: EnCours | None = None

    @property
    def faits_le(self) -> AwareDatetime:
        return self.faits.le


class RouteAssermentation(StrEnum):
    GARDE_PARTICULIER = "garde_particulier"  # CPP 29, 29-1, R. 15-33-24 s.
    SERVICE_INTERNE = "service_interne_securite"  # CSI L. 614-1, L. 614-6


# The six contraventions an agent of an internal security service may record (CSI L. 614-6).
INTERNAL_SERVICE_OFFENCES = ("R. 631-1", "R. 632-1", "R. 634-1", "R. 634-2", "R. 635-1", "R. 635-8")


class AgentAssermente(Strict):
    nom: str = Field(min_length=1, max_length=100)
    prenom: str = Field(min_length=1, max_length=100)
    poste: str = Field(min_length=1, max_length=100)


class AssermentationFacts(Strict):
    kind: Literal["assermentation"]
    agent: AgentAssermente
    route: RouteAssermentation
    residences: list[Residence] = Field(min_length=1)
    infractions: list[str] = Field(min_length=1)
    # Whether a renewal needs a new oath is disputed in practice (law.md: UNCONF): per case.
    nouveau_serment_au_renouvellement: bool = False
    en_cours: EnCours | None = None

    @model_validator(mode="after")
    def _offences_of_the_route(self) -> AssermentationFacts:
        if self.route == RouteAssermentation.SERVICE_INTERNE:
            outside = [i for i in self.infractions if i not in INTERNAL_SERVICE_OFFENCES]
            if outside:
                raise ValueError(
                    "un agent d'un service interne de sécurité ne constate que les "
                    f"contraventions {', '.join(INTERNAL_SERVICE_OFFENCES)} (art. L. 614-6 CSI) : "
                    f"{', '.join(outside)} refusée(s)"
                )
        return self

    @property
    def residence(self) -> Residence:
        return self.residences[0]


class ActionPrevue(Strict):
    org: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9-]+$")
    libelle: str = Field(min_length=1, max_length=300)
    date: date


class InterventionFacts(Strict):
    kind: Literal["intervention_conjointe"]
    residence: Residence
    halls: list[str] = Field(default_factory=list)
    diagnostic: dict[str, Any] = Field(default_factory=dict)  # level and period that motivate it
    objectifs: str = Field(min_length=1, max_length=5_000)
    proposant: Literal["bailleur", "forces", "prefecture"] = "bailleur"
    en_cours: EnCours | None = None


# The body of POST /api/procedures: one model per kind, chosen by "kind".
StartBody = Annotated[
    SignalementFacts | PlainteFacts | ResiliationFacts | AssermentationFacts | InterventionFacts,
    Field(discriminator="kind"),
]
