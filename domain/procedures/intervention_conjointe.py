"""A joint intervention of the convention's partners, prioritised by the local diagnostic and
evaluated against the same indicators (law.md §8: convention targets, no legal deadline)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, ValidationError

from domain.actors import Actor
from domain.calendar import DeadlineRule, Regime
from domain.definition import ProcedureDefinition, StartWording
from domain.facts import Residence, StartFacts, Strict
from domain.kinds import ProcedureKind
from domain.labels import Labelled
from domain.outcomes import Motif
from domain.steps import CLOSING_STEP, Catalog, DeadlineKind, OutcomeData, StepSpec, outcome
from domain.validation_messages import describe_error


class Proposant(Labelled):
    BAILLEUR = "bailleur", "Le bailleur"
    FORCES = "forces", "Les forces de l'ordre"
    PREFECTURE = "prefecture", "La préfecture"


class ActionPrevue(Strict):
    org: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9-]+$", title="Organisation")
    libelle: str = Field(min_length=1, max_length=300, title="Action")
    date: dt.date = Field(title="Date prévue")


class InterventionFacts(StartFacts):
    kind: Literal["intervention_conjointe"]
    residence: Residence = Field(title="Résidence")
    halls: list[str] = Field(
        default_factory=list,
        title="Halls concernés",
        description="Par exemple B2 ; séparer les halls par des virgules.",
    )
    # The level and period of the diagnostic that motivate it.
    diagnostic: dict[str, Any] = Field(default_factory=dict, title="Diagnostic")
    objectifs: str = Field(min_length=1, max_length=5_000, title="Objectifs")
    proposant: Proposant = Field(default=Proposant.BAILLEUR, title="Proposée par")

    @property
    def place(self) -> Residence:
        return self.residence


class StepKey(StrEnum):
    VALIDATION_BAILLEUR = "validation_bailleur"
    VALIDATION_FORCES = "validation_forces"
    PLANIFICATION = "planification"
    ACTION = "action"
    COMPTE_RENDU = "compte_rendu"
    EVALUATION = "evaluation"
    CLOTURE = "cloture"


class OutcomeKey(StrEnum):
    ACCEPTE = "accepte"
    REFUSE = "refuse"
    PLANIFIEE = "planifiee"
    REALISEE = "realisee"
    NON_REALISEE = "non_realisee"
    TRANSMIS = "transmis"
    EFFICACE = "efficace"
    A_POURSUIVRE = "a_poursuivre"
    INEFFICACE = "inefficace"
    CLOSE = "close"


class Plan(OutcomeData):
    """The actions of the plan: each for the organisation that carries it out, on its date."""

    actions: list[ActionPrevue] = Field(min_length=1, title="Actions")

    @classmethod
    def problem(cls, error: ValidationError) -> str:
        first = error.errors()[0]
        if first["type"] in ("missing", "too_short") and tuple(first["loc"]) == ("actions",):
            return "Le plan compte au moins une action."
        place = " › ".join(str(part) for part in first["loc"][1:])
        return f"Actions du plan invalides : {place} : {describe_error(first)}."


# Short names inside the catalogue.
Step, Out = StepKey, OutcomeKey
VALIDATION = DeadlineRule(working_days=10, regime=Regime.SLA, label="validation")
ACCEPTANCE = outcome(Out.ACCEPTE, "Acceptée", Step.PLANIFICATION)
REFUSAL = outcome(Out.REFUSE, "Refusée", Step.CLOTURE, data=Motif)

CATALOG = Catalog(
    keys=StepKey,
    outcome_keys=OutcomeKey,
    first=(Step.VALIDATION_BAILLEUR, Step.VALIDATION_FORCES),
    steps=(
        StepSpec(
            key=Step.VALIDATION_BAILLEUR,
            label="Validation par le bailleur",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.SLA,
            rule=VALIDATION,
            outcomes=(ACCEPTANCE, REFUSAL),
        ),
        StepSpec(
            key=Step.VALIDATION_FORCES,
            label="Validation par les forces de l'ordre",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=VALIDATION,
            outcomes=(ACCEPTANCE, REFUSAL),
        ),
        StepSpec(
            key=Step.PLANIFICATION,
            label="Planification des actions",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(months=1, regime=Regime.SLA, label="planification"),
            outcomes=(outcome(Out.PLANIFIEE, "Actions planifiées", Step.ACTION, data=Plan),),
        ),
        StepSpec(
            key=Step.ACTION,
            label="Action",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.DATE,
            outcomes=(
                outcome(Out.REALISEE, "Réalisée", Step.COMPTE_RENDU),
                outcome(Out.NON_REALISEE, "Non réalisée", Step.COMPTE_RENDU, data=Motif),
            ),
        ),
        StepSpec(
            key=Step.COMPTE_RENDU,
            label="Compte rendu des forces",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(days=7, regime=Regime.SLA, label="compte rendu"),
            outcomes=(outcome(Out.TRANSMIS, "Compte rendu transmis", Step.EVALUATION),),
        ),
        StepSpec(
            key=Step.EVALUATION,
            label="Évaluation",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(months=1, regime=Regime.SLA, label="évaluation"),
            outcomes=(
                outcome(Out.EFFICACE, "Efficace", Step.CLOTURE),
                outcome(Out.A_POURSUIVRE, "À poursuivre", Step.CLOTURE),
                outcome(Out.INEFFICACE, "Inefficace", Step.CLOTURE),
            ),
        ),
        CLOSING_STEP,
    ),
)

DEFINITION = ProcedureDefinition(
    kind=ProcedureKind.INTERVENTION_CONJOINTE,
    facts=InterventionFacts,
    catalog=CATALOG,
    title=lambda facts: f"Intervention conjointe — {facts.residence.nom}",
    plural="Interventions conjointes",
    wording=StartWording(
        title="Nouvelle intervention conjointe",
        summary="Proposer aux partenaires une intervention sur une résidence, planifiée puis "
        "évaluée sur les indicateurs du territoire.",
        note="Le bailleur et les forces de l'ordre valident l'intervention avant sa planification.",
        submit="Proposer l'intervention",
        # The level and period of the diagnostic are given through the API, not on the page.
        untyped=frozenset({"diagnostic"}),
    ),
    # A joint intervention names no one: its partners see all of it.
    shared_facts=("kind", "residence", "halls", "diagnostic", "objectifs", "proposant"),
)
