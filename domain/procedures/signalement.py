"""The signalement: a report of facts by the bailleur to the forces and/or the parquet."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field, model_validator

from domain.actors import Actor
from domain.calendar import DeadlineRule, Regime
from domain.definition import Diagnosed, ProcedureDefinition, StartWording
from domain.facts import (
    CategorieSignalement,
    PersonneConcernee,
    Residence,
    StartFacts,
    paris_day,
)
from domain.kinds import ProcedureKind
from domain.labels import Labelled
from domain.outcomes import Motif
from domain.steps import (
    CLOSING_STEP,
    Catalog,
    DeadlineKind,
    StepSpec,
    outcome,
    recours_procureur_general,
)

CONVENTION = "convention sécurité – tranquillité résidentielle (objectif)"
# Resolved when the signalement starts (ProcedureStart.resolved): the route of a PV's agent.
AGENT_ROUTE = "agent_route"


class SourceSignalement(Labelled):
    AGENT = "agent", "Agent du bailleur"
    AGENT_ASSERMENTE = "agent_assermente", "Agent assermenté"
    LOCATAIRE = "locataire", "Locataire"
    GARDIEN = "gardien", "Gardien"


class Destinataire(Labelled):
    FORCES = "forces", "Forces de l'ordre"
    # dénonciation au procureur (CPP 40)
    PARQUET = "parquet", "Parquet (dénonciation au procureur de la République)"
    FORCES_ET_PARQUET = "forces_et_parquet", "Forces de l'ordre et parquet"

    @property
    def to_forces(self) -> bool:
        return self in (Destinataire.FORCES, Destinataire.FORCES_ET_PARQUET)

    @property
    def to_parquet(self) -> bool:
        return self in (Destinataire.PARQUET, Destinataire.FORCES_ET_PARQUET)


class SignalementFacts(StartFacts):
    facts_date_field: ClassVar[str | None] = "faits_le"
    kind: Literal["signalement"]
    residence: Residence = Field(title="Résidence")
    categorie: CategorieSignalement = Field(title="Catégorie")
    faits_le: AwareDatetime = Field(title="Date et heure des faits", description="Heure de Paris.")
    description: str = Field(min_length=1, max_length=10_000, title="Description")
    source: SourceSignalement = Field(title="Source")
    destinataire: Destinataire = Field(default=Destinataire.FORCES, title="Destinataire")
    constate_le: date | None = Field(
        default=None,
        title="Date du constat (agent assermenté)",
        description="Si le constat n'a pas eu lieu le jour des faits : le procès-verbal est dû "
        "dans les 5 jours (art. 29 CPP).",
    )
    agent_assermente: str | None = Field(
        default=None, title="Agent assermenté (sa procédure d'assermentation)"
    )
    infraction: str | None = Field(default=None, max_length=50, title="Infraction constatée")
    personnes: list[PersonneConcernee] = Field(default_factory=list, title="Personnes concernées")

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
    def place(self) -> Residence:
        return self.residence

    @property
    def facts_date(self) -> date:
        return paris_day(self.faits_le)

    @property
    def sworn_agent(self) -> str | None:
        return self.agent_assermente

    @property
    def finding_date(self) -> date:
        """The day of the finding, from which a sworn agent's PV is due (CPP 29)."""
        return self.constate_le or paris_day(self.faits_le)


class StepKey(StrEnum):
    TRANSMISSION = "transmission"
    TRANSMISSION_PV = "transmission_pv"
    REMISE_PV_OPJ = "remise_pv_opj"
    ACCUSE_RECEPTION = "accuse_reception"
    RETOUR_INFORMATION = "retour_information"
    DECISION_PARQUET = "decision_parquet"
    RECOURS_PROCUREUR_GENERAL = "recours_procureur_general"
    CLOTURE = "cloture"


class OutcomeKey(StrEnum):
    TRANSMIS = "transmis"
    REMIS = "remis"
    RECU = "recu"
    INTERVENTION_REALISEE = "intervention_realisee"
    ENQUETE_OUVERTE = "enquete_ouverte"
    TRANSMIS_PARQUET = "transmis_parquet"
    PLAINTE_REQUISE = "plainte_requise"
    SANS_SUITE = "sans_suite"
    POURSUITES = "poursuites"
    ALTERNATIVE = "alternative"
    CLASSEMENT = "classement"
    FORME = "forme"
    RENONCE = "renonce"
    CLOSE = "close"


Step, Out = StepKey, OutcomeKey

# The PV must reach the procureur within 5 days of the finding, on pain of nullity: directly for
# a garde particulier (CPP 29), through the competent OPJ for an agent of an internal security
# service (CSI L. 614-6). Through the OPJ, the 5 days cover both the bailleur's handing of the
# PV to the OPJ and the OPJ's sending to the procureur: one limit, counted from the finding.
PV_DEADLINE_CPP_29 = DeadlineRule(
    days=5,
    regime=Regime.PENAL,
    legal_basis="art. 29 CPP (à peine de nullité)",
    label="transmission du procès-verbal au procureur",
)
PV_DEADLINE_L_614_6 = DeadlineRule(
    days=5,
    regime=Regime.PENAL,
    legal_basis="art. L. 614-6 CSI (à peine de nullité)",
    label="procès-verbal parvenu au procureur par l'OPJ",
)


CATALOG = Catalog(
    keys=StepKey,
    outcome_keys=OutcomeKey,
    first=(Step.TRANSMISSION,),
    steps=(
        StepSpec(
            key=Step.TRANSMISSION,
            label="Transmission du signalement",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.NONE,
            outcomes=(
                outcome(
                    Out.TRANSMIS,
                    "Signalement transmis",
                    Step.TRANSMISSION_PV,
                    Step.REMISE_PV_OPJ,
                    Step.ACCUSE_RECEPTION,
                    Step.DECISION_PARQUET,
                ),
            ),
        ),
        StepSpec(
            key=Step.TRANSMISSION_PV,
            label="Transmission du procès-verbal de l'agent assermenté au procureur",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                days=5,
                regime=Regime.PENAL,
                legal_basis="art. 29 CPP ; art. L. 614-6 CSI (à peine de nullité)",
                label="transmission du procès-verbal",
            ),
            outcomes=(outcome(Out.TRANSMIS, "Procès-verbal transmis"),),
            legal_basis="art. 29 CPP ; art. L. 614-6 CSI",
            when=lambda facts: facts.source == SourceSignalement.AGENT_ASSERMENTE,
        ),
        StepSpec(
            key=Step.REMISE_PV_OPJ,
            label="Remise du procès-verbal de l'agent assermenté à l'officier de police judiciaire",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.LAW,
            rule=PV_DEADLINE_L_614_6,
            outcomes=(outcome(Out.REMIS, "Procès-verbal remis à l'OPJ", Step.TRANSMISSION_PV),),
            legal_basis="art. L. 614-6 CSI",
            note="Le procès-verbal doit parvenir au procureur, par l'OPJ compétent, dans les "
            "5 jours du constat, à peine de nullité : la remise à l'OPJ se fait dans ce même "
            "délai, qu'elle ne prolonge pas.",
            # Agents of an internal security service only: the route is resolved at the start.
            when=lambda facts: facts.source == SourceSignalement.AGENT_ASSERMENTE,
        ),
        StepSpec(
            key=Step.ACCUSE_RECEPTION,
            label="Accusé de réception du signalement",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(working_days=2, regime=Regime.SLA, label="accusé de réception"),
            outcomes=(outcome(Out.RECU, "Signalement reçu", Step.RETOUR_INFORMATION),),
            legal_basis=CONVENTION,
            when=lambda facts: facts.destinataire.to_forces,
        ),
        StepSpec(
            key=Step.RETOUR_INFORMATION,
            label="Retour d'information au bailleur",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(days=15, regime=Regime.SLA, label="retour d'information"),
            outcomes=(
                outcome(Out.INTERVENTION_REALISEE, "Intervention réalisée", Step.CLOTURE),
                outcome(Out.ENQUETE_OUVERTE, "Enquête ouverte", Step.CLOTURE),
                outcome(Out.TRANSMIS_PARQUET, "Transmis au parquet", Step.DECISION_PARQUET),
                outcome(Out.PLAINTE_REQUISE, "Plainte du bailleur requise", Step.CLOTURE),
                outcome(Out.SANS_SUITE, "Sans suite", Step.CLOTURE),
            ),
            legal_basis=CONVENTION,
        ),
        StepSpec(
            key=Step.DECISION_PARQUET,
            decision=True,
            label="Décision du parquet",
            actor=Actor.PARQUET,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(months=2, regime=Regime.SLA, label="décision du parquet"),
            outcomes=(
                outcome(Out.POURSUITES, "Poursuites engagées", Step.CLOTURE),
                outcome(Out.ALTERNATIVE, "Alternative aux poursuites", Step.CLOTURE),
                outcome(
                    Out.CLASSEMENT,
                    "Classement sans suite",
                    Step.RECOURS_PROCUREUR_GENERAL,
                    Step.CLOTURE,
                    data=Motif,
                ),
            ),
            propagated=True,
            legal_basis="art. 40-1 CPP",
        ),
        recours_procureur_general(
            Step.RECOURS_PROCUREUR_GENERAL,
            Out.FORME,
            Out.RENONCE,
            # UNCONF: CPP 40-3 opens the recours to whoever denounced the facts to the
            # procureur; that a bailleur whose report the forces sent on to the parquet has
            # that standing is not confirmed.
            note="Ouvert à toute personne ayant dénoncé les faits au procureur de la République "
            "(art. 40-3 CPP) ; pour un signalement transmis au parquet par les forces de "
            "l'ordre, cette qualité du bailleur n'est pas confirmée.",
        ),
        CLOSING_STEP,
    ),
)


DEFINITION = ProcedureDefinition(
    kind=ProcedureKind.SIGNALEMENT,
    facts=SignalementFacts,
    catalog=CATALOG,
    title=lambda facts: f"Signalement — {facts.categorie.label.lower()}",
    plural="Signalements",
    wording=StartWording(
        title="Nouveau signalement",
        summary="Signaler des faits à la police, à la gendarmerie ou au procureur.",
        note="Le signalement est transmis dès son enregistrement.",
        submit="Transmettre le signalement",
        rows={"personnes": 2},
        # A sworn agent's procès-verbal (its assermentation, the offence) comes through the API.
        untyped=frozenset({"agent_assermente", "infraction"}),
    ),
    diagnosed=Diagnosed(
        incident=True, moment="faits_le", categories="categorie", place="residence"
    ),
    shared_facts=("kind", "residence", "categorie", "faits_le", "description", "source"),
)
