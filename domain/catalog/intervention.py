"""A joint intervention of the convention's partners, prioritised by the local diagnostic and
evaluated against the same indicators (law.md §8: convention targets, no legal deadline)."""

from __future__ import annotations

from domain.actors import Actor
from domain.calendar import DeadlineRule, Regime
from domain.steps import CLOSING_STEP, Catalog, DeadlineKind, Outcome, StepSpec

VALIDATION = DeadlineRule(working_days=10, regime=Regime.SLA, label="validation")
REFUSAL = Outcome(key="refuse", label="Refusée", next=("cloture",), required=("motif",))

INTERVENTION = Catalog(
    kind="intervention_conjointe",
    label="Intervention conjointe",
    first=("validation_bailleur", "validation_forces"),
    data_types={"motif": "text"},
    steps=(
        StepSpec(
            key="validation_bailleur",
            label="Validation par le bailleur",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.SLA,
            rule=VALIDATION,
            outcomes=(Outcome(key="accepte", label="Acceptée", next=("planification",)), REFUSAL),
        ),
        StepSpec(
            key="validation_forces",
            label="Validation par les forces de l'ordre",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=VALIDATION,
            outcomes=(Outcome(key="accepte", label="Acceptée", next=("planification",)), REFUSAL),
        ),
        StepSpec(
            key="planification",
            label="Planification des actions",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(months=1, regime=Regime.SLA, label="planification"),
            outcomes=(
                Outcome(
                    key="planifiee",
                    label="Actions planifiées",
                    next=("action",),
                    required=("actions",),
                ),
            ),
        ),
        StepSpec(
            key="action",
            label="Action",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.DATE,
            outcomes=(
                Outcome(key="realisee", label="Réalisée", next=("compte_rendu",)),
                Outcome(
                    key="non_realisee",
                    label="Non réalisée",
                    next=("compte_rendu",),
                    required=("motif",),
                ),
            ),
        ),
        StepSpec(
            key="compte_rendu",
            label="Compte rendu des forces",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(days=7, regime=Regime.SLA, label="compte rendu"),
            outcomes=(
                Outcome(key="transmis", label="Compte rendu transmis", next=("evaluation",)),
            ),
        ),
        StepSpec(
            key="evaluation",
            label="Évaluation",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(months=1, regime=Regime.SLA, label="évaluation"),
            outcomes=(
                Outcome(key="efficace", label="Efficace", next=("cloture",)),
                Outcome(key="a_poursuivre", label="À poursuivre", next=("cloture",)),
                Outcome(key="inefficace", label="Inefficace", next=("cloture",)),
            ),
        ),
        CLOSING_STEP,
    ),
)


def applicable_steps() -> frozenset[str]:
    """Every step applies to every joint intervention."""
    return frozenset(s.key for s in INTERVENTION.steps)


def plan_error(actions: object) -> str | None:
    """A French message when the plan's actions are not a list of {org, libelle, date}."""
    from pydantic import TypeAdapter, ValidationError

    from domain.facts import ActionPrevue

    try:
        planned = TypeAdapter(list[ActionPrevue]).validate_python(actions)
    except ValidationError as error:
        return f"Actions du plan invalides : {error.errors()[0]['msg']}."
    if not planned:
        return "Le plan compte au moins une action."
    return None
