"""What a bailleur enters to start a résiliation de bail: the dwelling, the lease, the tenants,
the grounds, the origin (its own initiative or the préfet's injunction)."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from domain.facts import Lien, Personne, Residence, StartFacts, Strict
from domain.labels import Labelled


class MotifResiliation(Labelled):
    TROUBLES_JOUISSANCE = "troubles_jouissance", "Troubles de jouissance"
    TRAFIC_STUPEFIANTS = "trafic_stupefiants", "Trafic de stupéfiants"
    AGRESSION_PERSONNEL = "agression_personnel", "Agression du personnel"
    AUTRE = "autre", "Autre"


# The grounds of a résiliation as a mise en demeure states them.
MOTIF_IN_A_LETTER: dict[MotifResiliation, str] = {
    MotifResiliation.TROUBLES_JOUISSANCE: (
        "des troubles de jouissance répétés causés au voisinage, portant atteinte à la "
        "tranquillité des autres occupants de la résidence"
    ),
    MotifResiliation.TRAFIC_STUPEFIANTS: (
        "des agissements liés au trafic de stupéfiants, dans le logement, dans les parties "
        "communes ou aux abords de l'ensemble immobilier"
    ),
    MotifResiliation.AGRESSION_PERSONNEL: (
        "des agressions, menaces ou intimidations à l'encontre du personnel du bailleur ou de "
        "ses prestataires"
    ),
    MotifResiliation.AUTRE: (
        "d'autres manquements à l'obligation d'user paisiblement du logement loué"
    ),
}


class OrigineResiliation(Labelled):
    BAILLEUR = "bailleur", "Initiative du bailleur"
    # CCH L. 442-4-3 (narcotrafic)
    INJONCTION_PREFET = "injonction_prefet", "Injonction du préfet (art. L. 442-4-3 CCH)"


class ExceptionTreve(Labelled):
    """Cases where the trêve hivernale does not stop the expulsion (CPCE L. 412-6 to 412-8)."""

    RELOGEMENT_ASSURE = "relogement_assure", "Relogement assuré"
    VOIE_DE_FAIT = "entree_voie_de_fait", "Entrée par voie de fait"
    LOGEMENT_ETUDIANT = "logement_etudiant", "Logement étudiant"
    CONJOINT_VIOLENT = "conjoint_violent", "Conjoint violent"


class Logement(Strict):
    residence: Residence = Field(title="Résidence")
    reference: str = Field(min_length=1, max_length=100, title="Référence du logement")


class Bail(Strict):
    reference: str = Field(min_length=1, max_length=100, title="Référence du bail")
    date_effet: date = Field(title="Date d'effet du bail")


class Injonction(Strict):
    date: dt.date = Field(
        title="Date de l'injonction du préfet",
        description="Seulement pour une injonction du préfet (art. L. 442-4-3 CCH).",
    )


class ResiliationFacts(StartFacts):
    place_field: ClassVar[str] = "logement.residence"
    kind: Literal["resiliation"]
    logement: Logement = Field(title="Logement")
    bail: Bail = Field(title="Bail")
    locataires: list[Personne] = Field(min_length=1, title="Locataires")
    occupants: list[Personne] = Field(default_factory=list, title="Autres occupants")
    motifs: list[MotifResiliation] = Field(min_length=1, title="Motifs")
    # Rent arrears also claimed: the préfet is notified of the assignation.
    impayes: bool = Field(
        default=False,
        title="Impayés de loyer aussi demandés",
        description="L'assignation est alors notifiée au préfet (art. 24 III loi 89-462).",
    )
    origine: OrigineResiliation = Field(default=OrigineResiliation.BAILLEUR, title="Origine")
    injonction: Injonction | None = Field(default=None, title="Injonction du préfet")
    # An organisation id; the demo one by default.
    commissaire_justice: str | None = Field(default=None, title="Commissaire de justice")
    exception_treve: ExceptionTreve | None = Field(
        default=None, title="Exception à la trêve hivernale"
    )
    liens: list[Lien] = Field(
        default_factory=list,
        title="Procédures liées",
        description="Leurs numéros, par exemple plainte-2026-000003 ; séparer les numéros par "
        "des virgules.",
    )

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

    @property
    def place(self) -> Residence:
        return self.logement.residence

    @property
    def linked(self) -> list[Lien]:
        return self.liens

    @property
    def chosen_commissaire(self) -> str | None:
        return self.commissaire_justice

    @property
    def after_injonction(self) -> bool:
        return self.origine == OrigineResiliation.INJONCTION_PREFET
