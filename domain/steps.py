"""Step specifications (the catalogue as data), the typed data an outcome carries, and the state
of a step in a running procedure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import to_json

from domain.actors import Actor
from domain.calendar import DeadlineRule
from domain.labels import Labelled
from domain.validation_messages import describe_error

CLOSING_KEY = "cloture"
IMPORT_SUB = "import"  # who "completes" a step done before the dossier was imported


class DeadlineKind(StrEnum):
    """Where a step's due date comes from (procedures.md)."""

    LAW = "law"  # computed by the legal calendar from a date entered by a user
    SLA = "sla"  # configurable target of the convention, no legal effect
    DATE = "date"  # a date fixed by an earlier act (appointment, hearing)
    NONE = "none"  # tracked, not due


class StepStatus(Labelled):
    PENDING = "pending", "En attente"
    DONE = "done", "Accomplie"
    CANCELLED = "cancelled", "Annulée"
    SKIPPED = "skipped", "Sans objet"


class OutcomeData(BaseModel):
    """What a person enters with an outcome (a date, a choice, a reason), as one typed model.

    A completion's data is checked against it strictly (a date as AAAA-MM-JJ, a number as a
    number, no unknown field); the flows read it back with `of`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @classmethod
    def of(cls, state: StepState) -> Self:
        """The data recorded with a completed step, as this model (fields it does not know are
        left aside: data recorded before a field was dropped still reads)."""
        return cls.model_validate({k: v for k, v in state.data.items() if k in cls.model_fields})

    @classmethod
    def required_fields(cls) -> tuple[str, ...]:
        """The names of the fields a completion must give."""
        return tuple(name for name, field in cls.model_fields.items() if field.is_required())

    @classmethod
    def problem(cls, error: ValidationError) -> str:
        """What is wrong with the data, in French (a model may word its own errors)."""
        problems = error.errors()
        missing = [str(e["loc"][0]) for e in problems if e["type"] == "missing"]
        if missing:
            return f"Donnée requise manquante : {', '.join(missing)}."
        first = problems[0]
        place = ".".join(str(part) for part in first["loc"])
        return f"« {place} » : {describe_error(first)}."


class OutcomeSpec(BaseModel, frozen=True):
    """An outcome a step accepts, the steps it leads to and the data it carries."""

    key: str
    label: str
    next: tuple[str, ...] = ()
    data: type[OutcomeData] | None = None

    @property
    def required(self) -> tuple[str, ...]:
        """The data a completion with this outcome must give."""
        return self.data.required_fields() if self.data else ()


def _given(data: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a completion's data; an empty one counts as absent (an input left blank)."""
    return {name: value for name, value in data.items() if value not in (None, "")}


def data_errors(outcome: OutcomeSpec, data: Mapping[str, Any]) -> ValidationError | None:
    """The errors of `data` against the outcome's model, checked as the workflow does (strict)."""
    if outcome.data is None:
        return None
    try:
        outcome.data.model_validate_json(to_json(_given(data)), strict=True)
    except ValidationError as error:
        return error
    return None


def data_problem(outcome: OutcomeSpec, data: Mapping[str, Any]) -> str | None:
    """A French message when a completion's data does not fit its outcome, else None.

    An empty value counts as absent, as an input left blank.
    """
    given = _given(data)
    if outcome.data is None:
        if given:
            return (
                f"Aucune donnée n'accompagne le résultat « {outcome.label} » "
                f"(reçu : {', '.join(given)})."
            )
        return None
    error = data_errors(outcome, given)
    return outcome.data.problem(error) if error is not None else None


class StepSpec(BaseModel, frozen=True):
    """One step of a procedure, as procedures.md describes it."""

    key: str
    label: str
    actor: Actor
    deadline: DeadlineKind
    rule: DeadlineRule | None = None
    outcomes: tuple[OutcomeSpec, ...]
    silence_outcome: str | None = None  # where the law gives silence a meaning
    optional: bool = False  # a step a dossier may go without (e.g. a rehousing offer)
    # An act whose date the law counts from (a delay, a milestone, a legal check): a dossier
    # imported past it must give that date; other past steps may be "date inconnue".
    dated: bool = False
    # Replaced in the flow by other steps: kept for the dossiers that reached it before, never
    # opened again, never planned nor imported.
    retired: bool = False
    propagated: bool = False  # the same decision is repeated in the linked procedures
    judgment: bool = False  # a court decides here: the file becomes litigation data
    decision: bool = False  # its outcome is a decision the partners follow (diagnostics)
    legal_basis: str = ""
    note: str = ""  # what is unsure in law, said to people
    # The dossiers this step applies to, from their start facts (all of them by default).
    when: Callable[[Any], bool] | None = None

    def outcome(self, key: str) -> OutcomeSpec | None:
        """The outcome named `key`, if this step accepts it."""
        return next((o for o in self.outcomes if o.key == key), None)

    @property
    def outcome_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.outcomes)

    def data_fields(self) -> dict[str, Any]:
        """Every data field an outcome of this step may carry, by name (first definition)."""
        fields: dict[str, Any] = {}
        for outcome in self.outcomes:
            if outcome.data is not None:
                for name, field in outcome.data.model_fields.items():
                    fields.setdefault(name, field)
        return fields


class Catalog(BaseModel, frozen=True):
    """The steps of one kind of procedure and the order they may come in.

    `keys` and `outcome_keys` are the kind's enums of step and outcome keys: every key the
    catalogue names must be one of them (a typo fails at import, not in court).
    """

    steps: tuple[StepSpec, ...]
    first: tuple[str, ...]
    keys: type[StrEnum]
    outcome_keys: type[StrEnum]
    # What may be declared at any step (e.g. a voluntary departure); `next` ends the flow there.
    anytime: tuple[OutcomeSpec, ...] = ()
    anytime_actors: dict[str, Actor] = {}  # who declares each of them (the bailleur by default)

    @model_validator(mode="after")
    def _every_key_is_declared(self) -> Catalog:
        steps = {step.key for step in self.steps}
        if steps != {key.value for key in self.keys}:
            raise ValueError(f"étapes sans clé déclarée, ou clés sans étape : {steps}")
        outcomes = {o.key for step in self.steps for o in step.outcomes}
        unknown = outcomes - {key.value for key in self.outcome_keys}
        targets = {n for step in self.steps for o in step.outcomes for n in o.next}
        targets |= {n for o in self.anytime for n in o.next} | set(self.first)
        if unknown or not targets <= steps:
            raise ValueError(f"résultats ou étapes inconnus : {unknown | (targets - steps)}")
        return self

    def spec(self, key: str) -> StepSpec:
        """The spec of step `key`; KeyError if the procedure has no such step."""
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def outcome_of(self, step: str, outcome: str) -> OutcomeSpec:
        """The outcome `outcome` of step `step`; KeyError if the step does not accept it."""
        found = self.spec(step).outcome(outcome)
        if found is None:
            raise KeyError(f"{step}:{outcome}")
        return found

    def declaration(self, key: str) -> OutcomeSpec | None:
        """The declaration `key` this procedure accepts at any step, if any."""
        return next((o for o in self.anytime if o.key == key), None)

    def has(self, key: str) -> bool:
        return any(step.key == key for step in self.steps)

    def reaches(self, origin: str, target: str, within: frozenset[str] | None = None) -> bool:
        """Whether `target` can come after `origin` along the outcomes' `next` links.

        `within` restricts the walk to the steps that apply to a given dossier.
        """
        seen: set[str] = set()
        frontier = [origin]
        while frontier:
            key = frontier.pop()
            if key == target:
                return True
            if key in seen or (within is not None and key not in within):
                continue
            seen.add(key)
            frontier.extend(n for o in self.spec(key).outcomes for n in o.next)
        return False

    def applicable(self, facts: Any) -> frozenset[str]:
        """The steps a dossier with these start facts may go through: those reached from the
        first steps (and from the declarations that open a step) along the outcomes' links,
        leaving out the steps whose condition the facts do not meet."""
        frontier = [*self.first, *(d.key for d in self.anytime if self.has(d.key))]
        reached: set[str] = set()
        while frontier:
            key = frontier.pop()
            spec = self.spec(key)
            if key in reached or (spec.when is not None and not spec.when(facts)):
                continue
            reached.add(key)
            frontier.extend(n for o in spec.outcomes for n in o.next)
        return frozenset(reached)


def sla_step(
    key: str,
    label: str,
    actor: Actor,
    rule: DeadlineRule,
    outcomes: tuple[OutcomeSpec, ...],
    legal_basis: str = "",
    *,
    note: str = "",
    when: Callable[[Any], bool] | None = None,
    dated: bool = False,
    optional: bool = False,
) -> StepSpec:
    """A step whose due date is a target of the convention (`rule`, from domain.calendar)."""
    return StepSpec(
        key=key,
        label=label,
        actor=actor,
        deadline=DeadlineKind.SLA,
        rule=rule,
        outcomes=outcomes,
        legal_basis=legal_basis,
        note=note,
        when=when,
        dated=dated,
        optional=optional,
    )


def recours_procureur_general(key: str, formed: str, waived: str, note: str = "") -> StepSpec:
    """The recours before the procureur général after a classement sans suite (CPP 40-3): the
    bailleur's choice, with no due date since the article sets no time limit (law.md §2)."""
    return StepSpec(
        key=key,
        label="Recours auprès du procureur général",
        actor=Actor.BAILLEUR,
        deadline=DeadlineKind.NONE,
        optional=True,
        outcomes=(outcome(formed, "Recours formé"), outcome(waived, "Pas de recours")),
        legal_basis="art. 40-3 CPP (sans délai)",
        note=note,
    )


# The bailleur closes every procedure, whatever its kind.
CLOSING_STEP = StepSpec(
    key=CLOSING_KEY,
    label="Clôture du dossier",
    actor=Actor.BAILLEUR,
    deadline=DeadlineKind.NONE,
    outcomes=(OutcomeSpec(key="close", label="Dossier clos"),),
)


class StepState(BaseModel):
    """A step as it stands in a running procedure (query result and projection payload)."""

    key: str
    seq: int = 1
    position: int = 0  # its rank among the dossier's steps, in the order they opened
    label: str
    actor: Actor
    org: str
    assignee_sub: str | None = None
    status: StepStatus = StepStatus.PENDING
    opened_at: datetime
    opened_on: date
    due: date | None = None
    due_at: datetime | None = None
    remind_at: datetime | None = None
    due_explanation: str = ""
    legal_basis: str = ""
    not_before: date | None = None  # the first day the law allows the act (an expulsion)
    overdue: bool = False
    reminded: bool = False
    escalated: bool = False
    outcome: str | None = None
    implicite: bool = False
    completed_at: datetime | None = None
    completed_on: date | None = None  # None for a step imported done, "date inconnue"
    done_by: date | None = None  # then: done at the latest on this day (the flow's order only)
    completed_by: str | None = None
    completed_by_org: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    comment: str | None = None

    @property
    def pending(self) -> bool:
        return self.status == StepStatus.PENDING

    @property
    def step_id(self) -> str:
        return f"{self.key}:{self.seq}"

    @property
    def done_on(self) -> date:
        """The legal date a completed step was done on (for a step imported with its date
        unknown, the latest it can have been done: where the next steps start, never a delay's
        start since the next step's own date is then asked)."""
        done = self.completed_on or self.done_by
        assert done is not None
        return done


def split_ref(ref: str) -> tuple[str, int | None]:
    """A step reference "key" (its latest occurrence) or "key:seq" (one of parallel ones)."""
    key, _, seq = ref.partition(":")
    return key, int(seq) if seq.isdigit() else None


def outcome(key: str, label: str, *then: str, data: type[OutcomeData] | None = None) -> OutcomeSpec:
    """An outcome leading to the steps `then`, carrying `data`."""
    return OutcomeSpec(key=key, label=label, next=then, data=data)
