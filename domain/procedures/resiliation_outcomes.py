"""The keys of a résiliation's steps and outcomes, and the data its outcomes and declarations
carry (the catalogue: resiliation.py; the law's checks: resiliation_rules.py)."""

from __future__ import annotations

import datetime as dt
from datetime import date
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from pydantic import Field

from domain.labels import Labelled
from domain.steps import OutcomeData


class StepKey(StrEnum):
    REPONSE_INJONCTION = "reponse_injonction"
    SAISINE_JUGE_APRES_INJONCTION = "saisine_juge_apres_injonction"
    SUBSTITUTION_PREFET = "substitution_prefet"
    CONSTITUTION_DOSSIER = "constitution_dossier"
    DEMANDE_INFORMATION_PARQUET = "demande_information_parquet"
    MISE_EN_DEMEURE = "mise_en_demeure"
    DELAI_MISE_EN_DEMEURE = "delai_mise_en_demeure"
    OFFRE_RELOGEMENT = "offre_relogement"  # until the offer's sending was recorded apart
    ENVOI_OFFRE_RELOGEMENT = "envoi_offre_relogement"
    REPONSE_OFFRE_RELOGEMENT = "reponse_offre_relogement"
    SAISINE_CCAPEX = "saisine_ccapex"
    ASSIGNATION = "assignation"
    NOTIFICATION_PREFET_ASSIGNATION = "notification_prefet_assignation"
    AUDIENCE = "audience"
    JUGEMENT = "jugement"
    SIGNIFICATION_JUGEMENT = "signification_jugement"
    COMMANDEMENT_QUITTER_LES_LIEUX = "commandement_quitter_les_lieux"
    INFORMATION_PREFET_CCAPEX = "information_prefet_ccapex"
    REQUISITION_FORCE_PUBLIQUE = "requisition_force_publique"
    DECISION_CONCOURS_FORCE_PUBLIQUE = "decision_concours_force_publique"
    RECOURS_INDEMNITAIRE = "recours_indemnitaire"
    EXPULSION = "expulsion"
    CLOTURE = "cloture"


class OutcomeKey(StrEnum):
    ACCEPTEE = "acceptee"
    REFUSEE = "refusee"
    IMPLICITE_REFUS = "implicite_refus"
    ASSIGNATION_DELIVREE = "assignation_delivree"
    IMPLICITE_CARENCE = "implicite_carence"
    SUBSTITUE = "substitue"
    ABANDON = "abandon"
    COMPLET = "complet"
    TRANSMISE = "transmise"
    AUCUNE_INFORMATION = "aucune_information"
    ENVOYEE = "envoyee"
    TROUBLES_PERSISTANTS = "troubles_persistants"
    TROUBLES_CESSES = "troubles_cesses"
    SAISIE = "saisie"
    DELIVREE = "delivree"
    NOTIFIEE = "notifiee"
    TENUE = "tenue"
    RENVOI = "renvoi"
    RESILIATION_PRONONCEE = "resiliation_prononcee"
    REJET = "rejet"
    SIGNIFIE = "signifie"
    DELIVRE = "delivre"
    INFORME = "informe"
    REQUISE = "requise"
    ACCORDE = "accorde"
    REFUSE = "refuse"
    FORME = "forme"
    RENONCE = "renonce"
    REALISEE = "realisee"
    DEPART_VOLONTAIRE = "depart_volontaire"
    REPORTEE = "reportee"
    DESISTEMENT = "desistement"
    APPEL = "appel"
    DELAIS_ACCORDES = "delais_accordes"
    CONCOURS_ACCORDE = "concours_accorde"
    CLOSE = "close"


class DelaiDeuxMois(Labelled):
    """What the judgment decides of the 2-month delay after the commandement (CPCE L. 412-1)."""

    MAINTENU = "maintenu", "Maintenu"
    REDUIT = "reduit", "Réduit"
    SUPPRIME = "supprime", "Supprimé"


class InformationTransmise(OutcomeData):
    # The exhibits the parquet filed with its answer (their ids in the dossier).
    pieces: list[str] = Field(default_factory=list, title="Pièces versées au dossier")


class TroublesPersistants(OutcomeData):
    offre_relogement: bool = Field(default=False, title="Offre de relogement faite")


class JugementResiliation(OutcomeData):
    # The law's default when the judgment says nothing of the delay: it runs (L. 412-1).
    delai_deux_mois: DelaiDeuxMois = Field(
        default=DelaiDeuxMois.MAINTENU, title="Délai de deux mois après le commandement"
    )
    delai_reduit_jours: int | None = Field(default=None, ge=0, title="Délai réduit (en jours)")
    delais_accordes: bool = Field(default=False, title="Délais accordés au locataire")
    delais_accordes_jusqu_au: date | None = Field(
        default=None,
        title="Délais accordés jusqu'au",
        description="Délais de grâce du jugement (art. L. 412-3 et L. 412-4 CPCE) : aucune "
        "réquisition ni expulsion avant le lendemain.",
    )
    refere: bool = Field(
        default=False,
        title="Ordonnance de référé",
        description="L'appel est alors ouvert 15 jours après la signification (art. 490 CPC).",
    )


class Report(OutcomeData):
    nouvelle_date: date = Field(title="Nouvelle date")


class JugeDelais(Labelled):
    JEX = "jex", "Juge de l'exécution"
    JUGE_DU_FOND = "juge_du_fond", "Juge du fond"


class FondementDelais(Labelled):
    """The délais a judge may grant before an expulsion (CPCE L. 412-2 to L. 412-4)."""

    PROROGATION = (
        "L. 412-2",
        "Prorogation du délai de deux mois (art. L. 412-2 CPCE, 3 mois au plus)",
    )
    DELAIS_DE_GRACE = (
        "L. 412-3",
        "Délais de grâce (art. L. 412-3 et L. 412-4 CPCE, 1 mois à 1 an)",
    )


class DelaisAccordes(OutcomeData):
    """Délais granted by the judge after the judgment: no réquisition and no expulsion before
    the day after `jusqu_au`."""

    jusqu_au: dt.date = Field(title="Délais accordés jusqu'au")
    juge: JugeDelais = Field(title="Juge")
    fondement: FondementDelais = Field(title="Fondement")


def grace_bounds(decided_on: date) -> tuple[date, date]:
    """The shortest and the longest délais of L. 412-3 granted on `decided_on` (L. 412-4)."""
    return decided_on + relativedelta(months=1), decided_on + relativedelta(years=1)
