"""Résiliation de bail through to expulsion (loi 89-462, CCH, CPCE): the steps, in the order
the law sets (the keys and the data of outcomes: resiliation_outcomes.py; the law's checks and
delays: resiliation_rules.py; the start facts: resiliation_facts.py)."""

from __future__ import annotations

from domain.actors import Actor
from domain.calendar import HEARING_NOTICE, DeadlineRule, Regime, target
from domain.definition import Diagnosed, ProcedureDefinition, StartWording
from domain.documents import DocumentKind
from domain.kinds import ProcedureKind
from domain.outcomes import Audience, Renvoi
from domain.procedures.resiliation_facts import ResiliationFacts
from domain.procedures.resiliation_outcomes import (
    DelaisAccordes,
    InformationTransmise,
    JugementResiliation,
    OutcomeKey,
    Report,
    StepKey,
    TroublesPersistants,
)
from domain.procedures.resiliation_rules import (
    CCAPEX_DELAY,
    completion_refusal,
    declaration_refusal,
)
from domain.steps import CLOSING_STEP, Catalog, DeadlineKind, StepSpec, outcome, sla_step


def _injonction(facts: ResiliationFacts) -> bool:
    return facts.after_injonction


def _bailleur(facts: ResiliationFacts) -> bool:
    return not facts.after_injonction


def _ccapex(facts: ResiliationFacts) -> bool:
    """A demand resting even partly on a debt, brought by the bailleur (loi 89 art. 24 II, IV).
    On the préfet's injunction route the assignation follows the injunction's own delays:
    whether the CCAPEX referral applies there too is not settled (UNCONF), it is not asked."""
    return facts.impayes and not facts.after_injonction


# Short names inside the catalogue.
Step, Out = StepKey, OutcomeKey
SEIZURE = (Step.NOTIFICATION_PREFET_ASSIGNATION, Step.AUDIENCE)  # what a court seizure opens
# After a refusal of the concours: the claim against the State, a renewed réquisition, or the
# expulsion once a late grant is recorded.
AFTER_REFUSAL = (Step.RECOURS_INDEMNITAIRE, Step.REQUISITION_FORCE_PUBLIQUE, Step.EXPULSION)
# The tenant's obligations a mise en demeure and the judgment rest on (law.md §4); loi 89
# art. 6-1 is the neighbour's notice to the landlord, not the landlord's to the tenant.
TENANT_OBLIGATIONS = "art. 7 b loi 89-462 ; art. 1728 et 1729 C. civ."
CCAPEX_NOTE = (
    "Quand la demande repose, même en partie, sur une dette locative (impayés), l'assignation "
    "ne peut être délivrée avant deux mois après la saisine (art. 24 II et IV loi 89-462)."
)

# The tenant's answer to the rehousing offer, its month counted from the offer's sending.
_OFFER_ANSWER = StepSpec(
    key=Step.REPONSE_OFFRE_RELOGEMENT,
    label="Réponse du locataire à l'offre de relogement",
    actor=Actor.BAILLEUR,
    deadline=DeadlineKind.LAW,
    rule=DeadlineRule(
        months=1,
        regime=Regime.CIVIL,
        legal_basis="art. L. 442-4-1 CCH",
        label="réponse du locataire, un mois après l'envoi de l'offre",
    ),
    outcomes=(
        outcome(Out.ACCEPTEE, "Offre acceptée", Step.CLOTURE),
        outcome(Out.REFUSEE, "Offre refusée", Step.ASSIGNATION),
        outcome(Out.IMPLICITE_REFUS, "Pas de réponse dans le mois", Step.ASSIGNATION),
    ),
    silence_outcome=Out.IMPLICITE_REFUS,
    optional=True,
    legal_basis="art. L. 442-4-1 CCH",
    note="Un refus ou le silence du locataire permet au juge de supprimer le délai de "
    "deux mois après le commandement.",
)

# The step that counted that month from "troubles persistants" (procedures started before the
# sending of the offer was recorded): kept for them, never opened again.
_OFFER_ANSWER_FROM_TROUBLES = _OFFER_ANSWER.model_copy(
    update={
        "key": Step.OFFRE_RELOGEMENT,
        "label": "Offre de relogement (réponse du locataire)",
        "retired": True,
        "note": None,
    }
)


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
            dated=True,
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
            dated=True,
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
            dated=True,
        ),
        sla_step(
            Step.CONSTITUTION_DOSSIER,
            "Constitution du dossier",
            Actor.BAILLEUR,
            target(months=1, label="constitution du dossier"),
            (outcome(Out.COMPLET, "Dossier complet", Step.MISE_EN_DEMEURE, Step.SAISINE_CCAPEX),),
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
            TENANT_OBLIGATIONS + " ; art. L. 442-4-1 CCH si une offre de relogement suit",
            dated=True,
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
                    Step.ENVOI_OFFRE_RELOGEMENT,
                    Step.ASSIGNATION,
                    Step.OFFRE_RELOGEMENT,
                    data=TroublesPersistants,
                ),
                outcome(Out.TROUBLES_CESSES, "Les troubles ont cessé", Step.CLOTURE),
            ),
            TENANT_OBLIGATIONS,
        ),
        sla_step(
            Step.ENVOI_OFFRE_RELOGEMENT,
            "Envoi de l'offre de relogement (lettre recommandée avec avis de réception)",
            Actor.BAILLEUR,
            target(days=15, label="envoi de l'offre de relogement"),
            (outcome(Out.ENVOYEE, "Offre envoyée (date d'envoi)", Step.REPONSE_OFFRE_RELOGEMENT),),
            "art. L. 442-4-1 CCH",
            dated=True,
            optional=True,
        ),
        _OFFER_ANSWER,
        _OFFER_ANSWER_FROM_TROUBLES,
        sla_step(
            Step.SAISINE_CCAPEX,
            "Saisine de la CCAPEX (deux mois au moins avant l'assignation)",
            Actor.BAILLEUR,
            target(days=15, label="saisine de la CCAPEX"),
            (outcome(Out.SAISIE, "CCAPEX saisie", Step.ASSIGNATION),),
            CCAPEX_DELAY.legal_basis,
            note=CCAPEX_NOTE,
            when=_ccapex,
            dated=True,
        ),
        sla_step(
            Step.ASSIGNATION,
            "Assignation devant le juge des contentieux de la protection",
            Actor.COMMISSAIRE_JUSTICE,
            target(months=1, label="assignation"),
            (outcome(Out.DELIVREE, "Assignation délivrée", *SEIZURE, data=Audience),),
            "art. L. 213-4-4 COJ",
            dated=True,
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
            dated=True,
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
            legal_basis=TENANT_OBLIGATIONS,
            dated=True,
        ),
        sla_step(
            Step.SIGNIFICATION_JUGEMENT,
            "Signification du jugement",
            Actor.COMMISSAIRE_JUSTICE,
            target(months=1, label="signification"),
            (outcome(Out.SIGNIFIE, "Jugement signifié", Step.COMMANDEMENT_QUITTER_LES_LIEUX),),
            "art. 503 CPC",
            dated=True,
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
            dated=True,
        ),
        StepSpec(
            key=Step.INFORMATION_PREFET_CCAPEX,
            label="Information du préfet et de la CCAPEX",
            actor=Actor.COMMISSAIRE_JUSTICE,
            deadline=DeadlineKind.DATE,
            outcomes=(outcome(Out.INFORME, "Préfet et CCAPEX informés"),),
            legal_basis="art. L. 412-5 CPCE",
            note="Tant que le préfet n'est pas informé, le délai de deux mois est suspendu.",
            dated=True,
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
                outcome(Out.RENONCE, "Pas de (nouvelle) réquisition", Step.CLOTURE),
            ),
            "art. R. 153-1 CPCE ; art. L. 412-1 à L. 412-4 CPCE (pas avant la fin des délais)",
            dated=True,
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
                outcome(Out.REFUSE, "Concours refusé", *AFTER_REFUSAL),
                outcome(
                    Out.IMPLICITE_REFUS, "Refus implicite (silence de deux mois)", *AFTER_REFUSAL
                ),
            ),
            silence_outcome=Out.IMPLICITE_REFUS,
            legal_basis="art. R. 153-1 CPCE ; CE 18 déc. 2013 n° 363126",
            note="Après un refus, la réquisition peut être renouvelée et un accord tardif est "
            "enregistré ; le recours contre l'État reste ouvert.",
            dated=True,
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
            legal_basis="art. L. 412-1 à L. 412-8 et L. 141-1 CPCE",
            dated=True,
        ),
        CLOSING_STEP,
    ),
    anytime=(
        outcome(Out.DEPART_VOLONTAIRE, "Départ volontaire du locataire", Step.CLOTURE),
        outcome(Out.DESISTEMENT, "Désistement du bailleur", Step.CLOTURE),
        outcome(Out.APPEL, "Appel interjeté (l'exécution continue)"),
        outcome(
            Out.DELAIS_ACCORDES,
            "Délais accordés par le juge (prorogation ou délais de grâce)",
            data=DelaisAccordes,
        ),
        outcome(Out.CONCOURS_ACCORDE, "Concours de la force publique accordé après un refus"),
    ),
    anytime_actors={Out.CONCOURS_ACCORDE: Actor.PREFET},
)

DEFINITION = ProcedureDefinition(
    kind=ProcedureKind.RESILIATION,
    facts=ResiliationFacts,
    catalog=CATALOG,
    title=lambda facts: "Résiliation de bail — " + ", ".join(m.label.lower() for m in facts.motifs),
    plural="Résiliations de bail",
    uses_treve=True,
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
    # The action rests on the mise en demeure the tenant left without effect: the judge
    # reads it first.
    founding_letters=(DocumentKind.MISE_EN_DEMEURE,),
    completion_refusal=completion_refusal,
    declaration_refusal=declaration_refusal,
)
