"""Assermentation of a staff member: garde particulier (CPP 29, 29-1, R. 15-33-24 to
R. 15-33-29-2) or agent of a landlords' internal security service (CSI L. 614-1, L. 614-6)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from domain.actors import Actor
from domain.calendar import DeadlineRule, Regime, target, validity_end
from domain.contracts import CompleteStep, Policy
from domain.definition import ProcedureDefinition, StartWording
from domain.facts import Residence, StartFacts, Strict
from domain.kinds import ProcedureKind
from domain.labels import Labelled
from domain.outcomes import Motif
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

AGREMENT_YEARS = 5  # R. 15-33-27-1 CPP (garde particulier), R. 614-15 CSI (service interne)
SUSPENSION = DeadlineRule(
    months=3,
    regime=Regime.CIVIL,
    label="suspension d'urgence",
    legal_basis="art. R. 15-33-29-2 CPP",
)
MIN_TRAINING_HOURS = 10  # arrêté du 30 août 2006, module 1
# The milestones the register reads: the agent's status, the day the agrément ends.
STATUS_MILESTONE = "statut"
AGREMENT_END_MILESTONE = "fin_agrement"


class AgentStatus(Labelled):
    """The agent's status; its wording is the label of the status milestone, followed by the
    day it began."""

    ACTIF = "actif", "Agent actif depuis le"
    SUSPENDU = "suspendu", "Agent suspendu depuis le"
    # From the day after the agrément's end while its renewal is examined: no powers, a PV
    # written then is void (R. 15-33-27-1 CPP; R. 614-15 CSI).
    AGREMENT_EXPIRE = (
        "agrement_expire",
        "Agrément expiré, renouvellement en cours d'examen : sans pouvoirs depuis le",
    )
    EXPIRE = "expire", "Agrément expiré le"
    NON_RENOUVELE = "non_renouvele", "Agrément non renouvelé le"
    RETIRE = "retire", "Agrément retiré le"
    COMMISSION_TERMINEE = "commission_terminee", "Commission terminée le"


def agent_status(label: str) -> AgentStatus | None:
    """The status whose wording is `label` (the status milestone's), if any."""
    return next((status for status in AgentStatus if status.label == label), None)


class RouteAssermentation(Labelled):
    GARDE_PARTICULIER = "garde_particulier", "Garde particulier assermenté"  # CPP 29, 29-1
    SERVICE_INTERNE = "service_interne_securite", "Service interne de sécurité"  # CSI L. 614-1


# The six contraventions an agent of an internal security service may record (CSI L. 614-6).
INTERNAL_SERVICE_OFFENCES = ("R. 631-1", "R. 632-1", "R. 634-1", "R. 634-2", "R. 635-1", "R. 635-8")


class AgentAssermente(Strict):
    nom: str = Field(min_length=1, max_length=100, title="Nom")
    prenom: str = Field(min_length=1, max_length=100, title="Prénom")
    poste: str = Field(
        min_length=1, max_length=100, title="Poste", description="Par exemple gardien."
    )


class AssermentationFacts(StartFacts):
    place_field: ClassVar[str] = "residences.0"
    kind: Literal["assermentation"]
    agent: AgentAssermente = Field(title="Agent")
    route: RouteAssermentation = Field(title="Voie")
    residences: list[Residence] = Field(min_length=1, title="Résidences de la commission")
    infractions: list[str] = Field(
        min_length=1,
        title="Infractions que l'agent constatera",
        description="Par exemple R. 632-1 ; pour un service interne de sécurité : "
        + ", ".join(INTERNAL_SERVICE_OFFENCES)
        + " (art. L. 614-6 CSI).",
    )
    # Whether a renewal needs a new oath is disputed in practice (law.md: UNCONF): per case.
    nouveau_serment_au_renouvellement: bool = Field(
        default=False, title="Nouveau serment à chaque renouvellement"
    )

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

    @property
    def place(self) -> Residence:
        return self.residences[0]


class StepKey(StrEnum):
    FORMATION = "formation"
    APTITUDE_TECHNIQUE = "aptitude_technique"
    COMMISSION = "commission"
    DEMANDE_AGREMENT = "demande_agrement"
    INSTRUCTION_AGREMENT = "instruction_agrement"
    CARTE_AGREMENT = "carte_agrement"
    PRESTATION_SERMENT = "prestation_serment"
    RENOUVELLEMENT = "renouvellement"
    SUSPENSION = "suspension"
    FIN_COMMISSION = "fin_commission"
    CLOTURE = "cloture"


class OutcomeKey(StrEnum):
    SUIVIE = "suivie"
    RECONNUE = "reconnue"
    REFUSEE = "refusee"
    SIGNEE = "signee"
    DEPOSEE = "deposee"
    AGREE = "agree"
    REFUSE = "refuse"
    DELIVREE = "delivree"
    PRETEE = "pretee"
    DEMANDEE = "demandee"
    EXPIRE = "expire"
    LEVEE = "levee"
    RENOUVELEE = "renouvelee"
    RETRAIT = "retrait"
    INFORMEE = "informee"
    CLOSE = "close"


class Formation(OutcomeData):
    heures: int = Field(title="Heures de formation suivies")


class Arrete(OutcomeData):
    arrete_le: date = Field(title="Date de l'arrêté")


class ArreteAgrement(Arrete):
    """The préfet's arrêté d'agrément (or of its renewal): its date and the end it states."""

    fin_le: date | None = Field(
        default=None,
        title="Fin de validité indiquée par l'arrêté",
        description=f"Par défaut : {AGREMENT_YEARS} ans après la date de l'arrêté.",
    )


class DemandeAgrement(OutcomeData):
    pieces_completes: bool = Field(
        title="Les pièces de la demande sont jointes (sept pour un garde particulier)"
    )


class Carte(OutcomeData):
    visa_le: date = Field(title="Date du visa du préfet")


# Short names inside the catalogue.
Step, Out = StepKey, OutcomeKey

CATALOG = Catalog(
    keys=StepKey,
    outcome_keys=OutcomeKey,
    first=(Step.FORMATION,),
    steps=(
        sla_step(
            Step.FORMATION,
            "Formation",
            Actor.BAILLEUR,
            target(months=3, label="formation"),
            (
                outcome(
                    Out.SUIVIE,
                    "Formation suivie",
                    Step.APTITUDE_TECHNIQUE,
                    Step.COMMISSION,
                    data=Formation,
                ),
            ),
            "arrêté du 30 août 2006",
        ),
        sla_step(
            Step.APTITUDE_TECHNIQUE,
            "Reconnaissance de l'aptitude technique",
            Actor.PREFET,
            target(months=2, label="reconnaissance de l'aptitude technique"),
            (
                outcome(Out.RECONNUE, "Aptitude reconnue", Step.COMMISSION, data=Arrete),
                outcome(Out.REFUSEE, "Aptitude refusée", Step.CLOTURE, data=Motif),
            ),
            "art. R. 15-33-26 CPP",
            when=lambda facts: facts.route == RouteAssermentation.GARDE_PARTICULIER,
        ),
        sla_step(
            Step.COMMISSION,
            "Commission par le bailleur",
            Actor.BAILLEUR,
            target(months=1, label="commission par le bailleur"),
            (outcome(Out.SIGNEE, "Commission signée", Step.DEMANDE_AGREMENT),),
            "art. R. 15-33-24 CPP",
        ),
        sla_step(
            Step.DEMANDE_AGREMENT,
            "Demande d'agrément au préfet",
            Actor.BAILLEUR,
            target(months=1, label="demande d'agrément au préfet"),
            (
                outcome(
                    Out.DEPOSEE,
                    "Demande déposée complète",
                    Step.INSTRUCTION_AGREMENT,
                    data=DemandeAgrement,
                ),
            ),
            "art. R. 15-33-25 CPP",
        ),
        sla_step(
            Step.INSTRUCTION_AGREMENT,
            "Instruction de l'agrément",
            Actor.PREFET,
            target(months=2, label="instruction de l'agrément"),
            (
                outcome(Out.AGREE, "Agrément accordé", Step.CARTE_AGREMENT, data=ArreteAgrement),
                outcome(Out.REFUSE, "Agrément refusé", Step.CLOTURE, data=Motif),
            ),
            "art. R. 15-33-27 CPP",
            note="Aucun délai d'instruction n'est fixé par les textes : objectif de la convention.",
        ),
        sla_step(
            Step.CARTE_AGREMENT,
            "Carte d'agrément",
            Actor.BAILLEUR,
            target(months=1, label="carte d'agrément"),
            (
                outcome(
                    Out.DELIVREE, "Carte délivrée et visée", Step.PRESTATION_SERMENT, data=Carte
                ),
            ),
            "art. R. 15-33-27-1 CPP",
        ),
        sla_step(
            Step.PRESTATION_SERMENT,
            "Prestation de serment",
            Actor.JUGE,
            target(months=2, label="prestation de serment"),
            # The agent is active from the oath until the agrément comes up for renewal.
            (outcome(Out.PRETEE, "Serment prêté", Step.RENOUVELLEMENT),),
            "art. R. 15-33-29 CPP",
        ),
        StepSpec(
            key=Step.RENOUVELLEMENT,
            label="Renouvellement de l'agrément",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.DATE,
            silence_outcome=Out.EXPIRE,
            outcomes=(
                outcome(Out.DEMANDEE, "Renouvellement demandé", Step.INSTRUCTION_AGREMENT),
                outcome(Out.EXPIRE, "Agrément expiré", Step.CLOTURE),
            ),
            legal_basis="art. R. 15-33-28 CPP",
        ),
        StepSpec(
            key=Step.SUSPENSION,
            label="Suspension d'urgence de l'agrément",
            actor=Actor.PREFET,
            deadline=DeadlineKind.LAW,
            rule=SUSPENSION,
            silence_outcome=Out.LEVEE,
            outcomes=(
                outcome(Out.LEVEE, "Suspension levée"),
                outcome(Out.RENOUVELEE, "Suspension renouvelée", Step.SUSPENSION),
                outcome(Out.RETRAIT, "Agrément retiré", Step.CLOTURE, data=Motif),
            ),
            legal_basis="art. R. 15-33-29-2 CPP (3 mois, renouvelable une fois)",
        ),
        StepSpec(
            key=Step.FIN_COMMISSION,
            label="Information du préfet : fin de la commission",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.DATE,
            outcomes=(outcome(Out.INFORMEE, "Préfet informé", Step.CLOTURE),),
            legal_basis="art. R. 15-33-29-1 CPP (sans délai)",
        ),
        CLOSING_STEP,
    ),
    anytime=(
        outcome(Step.SUSPENSION, "Suspension d'urgence décidée par le préfet"),
        outcome(Step.FIN_COMMISSION, "Fin de la commission de l'agent"),
    ),
    anytime_actors={Step.SUSPENSION: Actor.PREFET},
)


# The catalogue cites the garde particulier's texts (CPP); an agent of a landlords' internal
# security service is commissioned, approved and sworn under the CSI (L. 614-1, L. 614-6,
# R. 614-15, décret n° 2022-777). law.md gives no article for its training, commission, card,
# oath, suspension or end of commission: those cite the décret (UNCONF: the article).
INTERNAL_SERVICE_UNCONFIRMED = "décret n° 2022-777 (article à confirmer)"
INTERNAL_SERVICE_BASES: dict[str, str] = {
    Step.FORMATION: "formation spécifique : " + INTERNAL_SERVICE_UNCONFIRMED,
    Step.COMMISSION: "art. L. 614-1 CSI ; décret n° 2022-777",
    Step.DEMANDE_AGREMENT: "art. R. 614-15 CSI",
    Step.INSTRUCTION_AGREMENT: "art. R. 614-15 CSI",
    Step.CARTE_AGREMENT: INTERNAL_SERVICE_UNCONFIRMED,
    Step.PRESTATION_SERMENT: INTERNAL_SERVICE_UNCONFIRMED,
    Step.RENOUVELLEMENT: "art. R. 614-15 CSI",
    Step.SUSPENSION: INTERNAL_SERVICE_UNCONFIRMED,
    Step.FIN_COMMISSION: INTERNAL_SERVICE_UNCONFIRMED,
}
VALIDITY_BASES = {
    RouteAssermentation.GARDE_PARTICULIER: "art. R. 15-33-27-1 CPP",
    RouteAssermentation.SERVICE_INTERNE: "art. R. 614-15 CSI",
}
COMMISSION_BASES = {
    RouteAssermentation.GARDE_PARTICULIER: "art. R. 15-33-24 CPP",
    # law.md: only inside the guarded buildings (L. 614-6 CSI).
    RouteAssermentation.SERVICE_INTERNE: "art. L. 614-6 CSI",
}


def legal_basis(route: RouteAssermentation, key: str) -> str | None:
    """The text a step cites for the agent's route; None: the catalogue's (garde particulier)."""
    if route == RouteAssermentation.SERVICE_INTERNE:
        return INTERNAL_SERVICE_BASES.get(key)
    return None


def suspension_rule(route: RouteAssermentation) -> DeadlineRule | None:
    """The urgent suspension's rule citing the route's text; None: the catalogue's (garde
    particulier). The 3 months renewable once are the garde's (UNCONF for a service interne)."""
    if route == RouteAssermentation.SERVICE_INTERNE:
        return SUSPENSION.model_copy(
            update={"legal_basis": INTERNAL_SERVICE_BASES[Step.SUSPENSION]}
        )
    return None


def agrement_end(arrete: ArreteAgrement) -> date:
    """The agrément's last day: the end its arrêté states, else five years after the arrêté
    (R. 15-33-27-1 CPP; R. 614-15 CSI)."""
    return arrete.fin_le or validity_end(arrete.arrete_le, AGREMENT_YEARS)


def agrement_end_refusal(route: RouteAssermentation, arrete: ArreteAgrement) -> str | None:
    """A French message when the end an arrêté d'agrément states cannot be, else None."""
    if arrete.fin_le is None:
        return None
    longest = validity_end(arrete.arrete_le, AGREMENT_YEARS)
    if not arrete.arrete_le < arrete.fin_le <= longest:
        return (
            f"L'agrément est valable {AGREMENT_YEARS} ans ({VALIDITY_BASES[route]}) : la fin "
            f"indiquée par l'arrêté du {arrete.arrete_le:%d/%m/%Y} est comprise entre le "
            f"lendemain de l'arrêté et le {longest:%d/%m/%Y} (reçu : {arrete.fin_le:%d/%m/%Y})."
        )
    return None


def completion_refusal(
    facts: AssermentationFacts, state: StepState, command: CompleteStep, policy: Policy
) -> str | None:
    """A French message when a completion breaks a rule of the assermentation, else None."""
    garde = facts.route == RouteAssermentation.GARDE_PARTICULIER
    if (
        state.key == Step.FORMATION
        and garde
        and Formation.model_validate(command.data).heures < MIN_TRAINING_HOURS
    ):
        return (
            f"La formation d'un garde particulier compte au moins {MIN_TRAINING_HOURS} "
            "heures (arrêté du 30 août 2006, module 1)."
        )
    if state.key == Step.SUSPENSION and command.outcome == Out.RENOUVELEE and state.seq >= 2:
        # UNCONF for an internal security service: law.md gives this limit for the garde only.
        basis = "art. R. 15-33-29-2 CPP" if garde else INTERNAL_SERVICE_UNCONFIRMED
        return (
            f"La suspension d'urgence n'est renouvelable qu'une fois ({basis}) : "
            "la lever ou retirer l'agrément."
        )
    if (
        state.key == Step.DEMANDE_AGREMENT
        and not DemandeAgrement.model_validate(command.data).pieces_completes
    ):
        if garde:
            return "Les sept pièces de la demande (art. R. 15-33-25 CPP) doivent être présentes."
        return "Les pièces de la demande d'agrément (art. R. 614-15 CSI) doivent être présentes."
    if state.key == Step.INSTRUCTION_AGREMENT and command.outcome == Out.AGREE:
        return agrement_end_refusal(facts.route, ArreteAgrement.model_validate(command.data))
    return None


DEFINITION = ProcedureDefinition(
    kind=ProcedureKind.ASSERMENTATION,
    facts=AssermentationFacts,
    catalog=CATALOG,
    title=lambda facts: f"Assermentation — {facts.agent.poste}",
    plural="Assermentations",
    wording=StartWording(
        title="Nouvelle assermentation",
        summary="Faire agréer et assermenter un agent : garde particulier ou service interne "
        "de sécurité, jusqu'au renouvellement de son agrément.",
        note="La formation de l'agent est la première étape.",
        submit="Engager l'assermentation",
        messages={
            "residences": "Indiquer au moins une résidence (nom, adresse, commune).",
            "infractions": "Indiquer au moins une infraction.",
        },
        rows={"residences": 2},
    ),
    # The préfet grants the agrément and the court takes the oath of a named agent.
    shared_facts=("kind", "agent", "route", "residences", "infractions"),
    completion_refusal=completion_refusal,
)
