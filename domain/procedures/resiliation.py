"""Résiliation de bail through to expulsion (loi 89-462, CCH, CPCE): the steps and what each
outcome carries, the legal checks of a completion (the start facts: resiliation_facts.py)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from domain.actors import Actor
from domain.calendar import (
    HEARING_NOTICE,
    DeadlineRule,
    Regime,
    earliest_event_after,
    french_date,
    latest_before,
    target,
)
from domain.contracts import CompleteStep, Policy
from domain.definition import Diagnosed, ProcedureDefinition, StartWording
from domain.kinds import ProcedureKind
from domain.labels import Labelled
from domain.outcomes import Audience, Renvoi
from domain.procedures.resiliation_facts import ResiliationFacts
from domain.steps import (
    CLOSING_STEP,
    Catalog,
    DeadlineKind,
    OutcomeData,
    StepSpec,
    StepState,
    outcome,
    sla_step,
)


class StepKey(StrEnum):
    REPONSE_INJONCTION = "reponse_injonction"
    SAISINE_JUGE_APRES_INJONCTION = "saisine_juge_apres_injonction"
    SUBSTITUTION_PREFET = "substitution_prefet"
    CONSTITUTION_DOSSIER = "constitution_dossier"
    DEMANDE_INFORMATION_PARQUET = "demande_information_parquet"
    MISE_EN_DEMEURE = "mise_en_demeure"
    DELAI_MISE_EN_DEMEURE = "delai_mise_en_demeure"
    OFFRE_RELOGEMENT = "offre_relogement"
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
    delai_deux_mois: DelaiDeuxMois = Field(title="Délai de deux mois après le commandement")
    delai_reduit_jours: int | None = Field(default=None, ge=0, title="Délai réduit (en jours)")
    delais_accordes: bool = Field(default=False, title="Délais accordés au locataire")


class Report(OutcomeData):
    nouvelle_date: date = Field(title="Nouvelle date")


def _injonction(facts: ResiliationFacts) -> bool:
    return facts.after_injonction


def _bailleur(facts: ResiliationFacts) -> bool:
    return not facts.after_injonction


# Short names inside the catalogue.
Step, Out = StepKey, OutcomeKey
SEIZURE = (Step.NOTIFICATION_PREFET_ASSIGNATION, Step.AUDIENCE)  # what a court seizure opens

CATALOG = Catalog(
    keys=StepKey,
    outcome_keys=OutcomeKey,
    first=(Step.REPONSE_INJONCTION, Step.CONSTITUTION_DOSSIER, Step.DEMANDE_INFORMATION_PARQUET),
    steps=(
        StepSpec(
            key=Step.REPONSE_INJONCTION,
            label="Réponse à l'injonction du préfet",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                days=15,
                regime=Regime.CIVIL,
                legal_basis="art. L. 442-4-3 CCH",
                label="réponse à l'injonction",
            ),
            outcomes=(
                outcome(Out.ACCEPTEE, "Injonction acceptée", Step.SAISINE_JUGE_APRES_INJONCTION),
                outcome(Out.REFUSEE, "Injonction refusée", Step.SUBSTITUTION_PREFET),
                outcome(Out.IMPLICITE_REFUS, "Refus implicite (silence)", Step.SUBSTITUTION_PREFET),
            ),
            silence_outcome=Out.IMPLICITE_REFUS,
            legal_basis="art. L. 442-4-3 CCH",
            note="Point de départ du délai de 15 jours non confirmé : la date de l'injonction est "
            "retenue.",
            when=_injonction,
        ),
        StepSpec(
            key=Step.SAISINE_JUGE_APRES_INJONCTION,
            label="Saisine du juge après l'injonction",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                months=1,
                regime=Regime.CIVIL,
                legal_basis="art. L. 442-4-3 CCH",
                label="saisine du juge",
            ),
            outcomes=(
                outcome(Out.ASSIGNATION_DELIVREE, "Assignation délivrée", *SEIZURE, data=Audience),
                outcome(
                    Out.IMPLICITE_CARENCE, "Pas de saisine dans le mois", Step.SUBSTITUTION_PREFET
                ),
            ),
            silence_outcome=Out.IMPLICITE_CARENCE,
            legal_basis="art. L. 442-4-3 CCH",
        ),
        StepSpec(
            key=Step.SUBSTITUTION_PREFET,
            label="Substitution du préfet au bailleur",
            actor=Actor.PREFET,
            deadline=DeadlineKind.NONE,
            outcomes=(
                outcome(Out.SUBSTITUE, "Le préfet engage l'action", *SEIZURE, data=Audience),
                outcome(Out.ABANDON, "Pas de substitution", Step.CLOTURE),
            ),
            legal_basis="art. L. 442-4-3 CCH",
        ),
        sla_step(
            Step.CONSTITUTION_DOSSIER,
            "Constitution du dossier",
            Actor.BAILLEUR,
            target(months=1, label="constitution du dossier"),
            (outcome(Out.COMPLET, "Dossier complet", Step.MISE_EN_DEMEURE),),
            when=_bailleur,
        ),
        sla_step(
            Step.DEMANDE_INFORMATION_PARQUET,
            "Demande d'information au parquet (condamnations, décisions)",
            Actor.PARQUET,
            target(months=1, label="réponse du parquet"),
            (
                outcome(Out.TRANSMISE, "Information transmise", data=InformationTransmise),
                outcome(Out.AUCUNE_INFORMATION, "Aucune information"),
            ),
            "convention sécurité – tranquillité résidentielle",
            when=_bailleur,
        ),
        sla_step(
            Step.MISE_EN_DEMEURE,
            "Mise en demeure du locataire",
            Actor.BAILLEUR,
            target(days=15, label="mise en demeure"),
            (outcome(Out.ENVOYEE, "Mise en demeure envoyée", Step.DELAI_MISE_EN_DEMEURE),),
            "art. 6-1 loi 89-462 ; art. L. 442-4-1 CCH",
        ),
        sla_step(
            Step.DELAI_MISE_EN_DEMEURE,
            "Délai laissé après la mise en demeure",
            Actor.BAILLEUR,
            target(months=1, label="délai après la mise en demeure"),
            (
                outcome(
                    Out.TROUBLES_PERSISTANTS,
                    "Les troubles persistent",
                    Step.OFFRE_RELOGEMENT,
                    Step.ASSIGNATION,
                    data=TroublesPersistants,
                ),
                outcome(Out.TROUBLES_CESSES, "Les troubles ont cessé", Step.CLOTURE),
            ),
            "art. 6-1 loi 89-462",
        ),
        StepSpec(
            key=Step.OFFRE_RELOGEMENT,
            label="Offre de relogement (réponse du locataire)",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                months=1,
                regime=Regime.CIVIL,
                legal_basis="art. L. 442-4-1 CCH",
                label="réponse du locataire à l'offre de relogement",
            ),
            outcomes=(
                outcome(Out.ACCEPTEE, "Offre acceptée", Step.CLOTURE),
                outcome(Out.REFUSEE, "Offre refusée", Step.ASSIGNATION),
                outcome(Out.IMPLICITE_REFUS, "Pas de réponse dans le mois", Step.ASSIGNATION),
            ),
            silence_outcome=Out.IMPLICITE_REFUS,
            optional=True,
            legal_basis="art. L. 442-4-1 CCH",
        ),
        sla_step(
            Step.ASSIGNATION,
            "Assignation devant le juge des contentieux de la protection",
            Actor.COMMISSAIRE_JUSTICE,
            target(months=1, label="assignation"),
            (outcome(Out.DELIVREE, "Assignation délivrée", *SEIZURE, data=Audience),),
            "art. L. 213-4-4 COJ",
        ),
        StepSpec(
            key=Step.NOTIFICATION_PREFET_ASSIGNATION,
            label="Notification de l'assignation au préfet",
            actor=Actor.COMMISSAIRE_JUSTICE,
            deadline=DeadlineKind.LAW,
            rule=HEARING_NOTICE,
            outcomes=(outcome(Out.NOTIFIEE, "Assignation notifiée au préfet"),),
            legal_basis="art. 24 III loi 89-462",
            when=lambda facts: facts.impayes,
        ),
        StepSpec(
            key=Step.AUDIENCE,
            label="Audience",
            actor=Actor.JUGE,
            deadline=DeadlineKind.DATE,
            outcomes=(
                outcome(Out.TENUE, "Audience tenue", Step.JUGEMENT),
                outcome(Out.RENVOI, "Audience renvoyée", Step.AUDIENCE, data=Renvoi),
            ),
        ),
        StepSpec(
            key=Step.JUGEMENT,
            decision=True,
            judgment=True,
            label="Jugement",
            actor=Actor.JUGE,
            deadline=DeadlineKind.NONE,
            outcomes=(
                outcome(
                    Out.RESILIATION_PRONONCEE,
                    "Résiliation du bail et expulsion prononcées",
                    Step.SIGNIFICATION_JUGEMENT,
                    data=JugementResiliation,
                ),
                outcome(Out.REJET, "Demande rejetée", Step.CLOTURE),
            ),
            legal_basis="art. 1728 et 1729 C. civ. ; art. 7 b loi 89-462",
        ),
        sla_step(
            Step.SIGNIFICATION_JUGEMENT,
            "Signification du jugement",
            Actor.COMMISSAIRE_JUSTICE,
            target(months=1, label="signification"),
            (outcome(Out.SIGNIFIE, "Jugement signifié", Step.COMMANDEMENT_QUITTER_LES_LIEUX),),
            "art. 503 CPC",
        ),
        sla_step(
            Step.COMMANDEMENT_QUITTER_LES_LIEUX,
            "Commandement de quitter les lieux",
            Actor.COMMISSAIRE_JUSTICE,
            target(months=1, label="commandement"),
            (
                outcome(
                    Out.DELIVRE,
                    "Commandement délivré",
                    Step.INFORMATION_PREFET_CCAPEX,
                    Step.REQUISITION_FORCE_PUBLIQUE,
                ),
            ),
            "art. L. 411-1 et L. 412-1 CPCE",
        ),
        StepSpec(
            key=Step.INFORMATION_PREFET_CCAPEX,
            label="Information du préfet et de la CCAPEX",
            actor=Actor.COMMISSAIRE_JUSTICE,
            deadline=DeadlineKind.DATE,
            outcomes=(outcome(Out.INFORME, "Préfet et CCAPEX informés"),),
            legal_basis="art. L. 412-5 CPCE",
            note="Tant que le préfet n'est pas informé, le délai de deux mois est suspendu.",
        ),
        sla_step(
            Step.REQUISITION_FORCE_PUBLIQUE,
            "Réquisition de la force publique",
            Actor.COMMISSAIRE_JUSTICE,
            target(months=1, label="réquisition"),
            (
                outcome(
                    Out.REQUISE,
                    "Concours de la force publique requis",
                    Step.DECISION_CONCOURS_FORCE_PUBLIQUE,
                ),
            ),
            "art. R. 153-1 CPCE",
        ),
        StepSpec(
            key=Step.DECISION_CONCOURS_FORCE_PUBLIQUE,
            label="Décision du préfet sur le concours de la force publique",
            actor=Actor.PREFET,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                months=2,
                regime=Regime.CIVIL,
                legal_basis="art. R. 153-1 CPCE",
                label="décision du préfet",
            ),
            outcomes=(
                outcome(Out.ACCORDE, "Concours accordé", Step.EXPULSION),
                outcome(Out.REFUSE, "Concours refusé", Step.RECOURS_INDEMNITAIRE),
                outcome(
                    Out.IMPLICITE_REFUS,
                    "Refus implicite (silence de deux mois)",
                    Step.RECOURS_INDEMNITAIRE,
                ),
            ),
            silence_outcome=Out.IMPLICITE_REFUS,
            legal_basis="art. R. 153-1 CPCE ; CE 18 déc. 2013 n° 363126",
        ),
        StepSpec(
            key=Step.RECOURS_INDEMNITAIRE,
            label="Recours indemnitaire contre l'État",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.NONE,
            outcomes=(
                outcome(Out.FORME, "Recours formé", Step.CLOTURE),
                outcome(Out.RENONCE, "Pas de recours", Step.CLOTURE),
            ),
            legal_basis="CE 18 déc. 2013 n° 363126",
        ),
        StepSpec(
            key=Step.EXPULSION,
            decision=True,
            label="Expulsion",
            actor=Actor.COMMISSAIRE_JUSTICE,
            deadline=DeadlineKind.DATE,
            outcomes=(
                outcome(Out.REALISEE, "Expulsion réalisée", Step.CLOTURE),
                outcome(
                    Out.DEPART_VOLONTAIRE, "Départ volontaire (reprise des lieux)", Step.CLOTURE
                ),
                outcome(Out.REPORTEE, "Expulsion reportée", Step.EXPULSION, data=Report),
            ),
            legal_basis="art. L. 412-6 et L. 141-1 CPCE",
        ),
        CLOSING_STEP,
    ),
    anytime=(
        outcome(Out.DEPART_VOLONTAIRE, "Départ volontaire du locataire", Step.CLOTURE),
        outcome(Out.DESISTEMENT, "Désistement du bailleur", Step.CLOTURE),
        outcome(Out.APPEL, "Appel interjeté (l'exécution continue)"),
    ),
)

# The appeal delay, shown from the signification; an appeal does not stop the enforcement.
APPEAL = DeadlineRule(
    months=1,
    regime=Regime.CIVIL,
    label="délai d'appel",
    legal_basis="art. 538 CPC ; appel non suspensif (art. 514 CPC)",
)


def commandement_delay(judgment: JugementResiliation) -> DeadlineRule | None:
    """The delay after the commandement as the judgment set it (CPCE L. 412-1); None when
    the judgment removed it."""
    if judgment.delai_deux_mois == DelaiDeuxMois.SUPPRIME:
        return None
    if judgment.delai_deux_mois == DelaiDeuxMois.REDUIT:
        return DeadlineRule(
            days=judgment.delai_reduit_jours or 0,
            label="délai réduit par le jugement",
            legal_basis="art. L. 412-1 CPCE",
        )
    return DeadlineRule(months=2, label="délai avant expulsion", legal_basis="art. L. 412-1 CPCE")


def completion_refusal(
    facts: ResiliationFacts, state: StepState, command: CompleteStep, policy: Policy
) -> str | None:
    """A French message when a completion is legally impossible, else None."""
    on = command.on
    realised = state.key == Step.EXPULSION and command.outcome == Out.REALISEE
    if realised and state.due is not None and on < state.due:
        return (
            f"L'expulsion ne peut avoir lieu avant le {french_date(state.due)} "
            "(trêve hivernale, dimanches et jours fériés exclus, art. L. 412-6 et "
            "L. 141-1 CPCE)."
        )
    chosen = CATALOG.spec(state.key).outcome(command.outcome)
    data = chosen.data.model_validate(command.data) if chosen and chosen.data else None
    if isinstance(data, Audience):
        return _hearing_refusal(data.audience, on, facts.impayes)
    later = (
        data.nouvelle_audience
        if isinstance(data, Renvoi)
        else data.nouvelle_date
        if isinstance(data, Report)
        else None
    )
    if later is not None and later <= on:
        return (
            f"La nouvelle date ({later.isoformat()}) doit suivre la date saisie ({on.isoformat()})."
        )
    return None


def _hearing_refusal(hearing: date, on: date, impayes: bool) -> str | None:
    """A hearing after the assignation, leaving the préfet six weeks when arrears are claimed."""
    if hearing <= on:
        return "La date d'audience doit suivre la date de l'assignation."
    latest = latest_before(hearing, HEARING_NOTICE)
    if impayes and latest < on:
        return (
            f"L'audience du {french_date(hearing)} ne laisse pas les six semaines "
            "requises pour notifier l'assignation au préfet (au plus tard le "
            f"{french_date(latest)}, art. 24 III loi 89-462) : choisir une audience "
            f"au plus tôt le {french_date(earliest_event_after(on, HEARING_NOTICE))}."
        )
    return None


DEFINITION = ProcedureDefinition(
    kind=ProcedureKind.RESILIATION,
    facts=ResiliationFacts,
    catalog=CATALOG,
    title=lambda facts: (
        "Résiliation de bail — " + ", ".join(m.value.replace("_", " ") for m in facts.motifs)
    ),
    plural="Résiliations de bail",
    wording=StartWording(
        title="Nouvelle résiliation de bail",
        summary="Engager la résiliation pour troubles de jouissance, trafic ou agression, "
        "jusqu'à l'expulsion.",
        note="La demande d'information au parquet part dès l'enregistrement.",
        submit="Engager la résiliation",
        messages={
            "motifs": "Cocher au moins un motif.",
            "locataires": "Indiquer au moins un locataire (nom).",
        },
        rows={"locataires": 3, "occupants": 2},
        # A chosen commissaire de justice (the demo one otherwise) and an exception to the
        # trêve hivernale are given through the API or an import, not on the page.
        untyped=frozenset({"commissaire_justice", "exception_treve"}),
    ),
    # The partners of a résiliation (parquet asked about the household, préfet, judge,
    # commissaire de justice) act on the lease and the persons it concerns.
    diagnosed=Diagnosed(
        incident=False, moment=None, categories="motifs", place="logement.residence"
    ),
    shared_facts=(
        "kind",
        "logement",
        "bail",
        "locataires",
        "occupants",
        "motifs",
        "impayes",
        "origine",
        "injonction",
    ),
    completion_refusal=completion_refusal,
)
