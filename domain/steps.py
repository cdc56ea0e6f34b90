"""Step specifications (the catalogue as data) and the state of a step in a procedure."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from domain.actors import Actor
from domain.calendar import DeadlineRule


class DeadlineKind(StrEnum):
    """Where a step's due date comes from (procedures.md)."""

    LAW = "law"  # computed by the legal calendar from a date entered by a user
    SLA = "sla"  # configurable target of the convention, no legal effect
    DATE = "date"  # a date fixed by an earlier act (appointment, hearing)
    NONE = "none"  # tracked, not due


class StepStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


class Outcome(BaseModel, frozen=True):
    """An outcome a step accepts, the steps it leads to and the data it requires."""

    key: str
    label: str
    next: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


class StepSpec(BaseModel, frozen=True):
    """One step of a procedure, as procedures.md describes it."""

    key: str
    label: str
    actor: Actor
    deadline: DeadlineKind
    rule: DeadlineRule | None = None
    outcomes: tuple[Outcome, ...]
    silence_outcome: str | None = None  # where the law gives silence a meaning
    optional: bool = False  # a step a dossier may go without (e.g. a rehousing offer)
    propagated: bool = False  # the same decision is repeated in the linked procedures
    legal_basis: str = ""
    note: str = ""  # what is unsure in law, said to people

    def outcome(self, key: str) -> Outcome | None:
        """The outcome named `key`, if this step accepts it."""
        return next((o for o in self.outcomes if o.key == key), None)

    @property
    def outcome_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.outcomes)


class Catalog(BaseModel, frozen=True):
    """The steps of one kind of procedure and the order they may come in."""

    kind: str
    label: str
    steps: tuple[StepSpec, ...]
    first: tuple[str, ...]
    # Type of each data field a completion may carry: "date", "int", "bool", "text",
    # or "choice:a,b,c".
    data_types: dict[str, str] = {}
    # What may be declared at any step (e.g. a voluntary departure); `next` ends the flow there.
    anytime: tuple[Outcome, ...] = ()
    anytime_actors: dict[str, Actor] = {}  # who declares each of them (the bailleur by default)

    def spec(self, key: str) -> StepSpec:
        """The spec of step `key`; KeyError if the procedure has no such step."""
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def declaration(self, key: str) -> Outcome | None:
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


# The bailleur closes every procedure, whatever its kind.
CLOSING_STEP = StepSpec(
    key="cloture",
    label="Clôture du dossier",
    actor=Actor.BAILLEUR,
    deadline=DeadlineKind.NONE,
    outcomes=(Outcome(key="close", label="Dossier clos"),),
)


class StepState(BaseModel):
    """A step as it stands in a running procedure (query result and projection payload)."""

    key: str
    seq: int = 1
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
    overdue: bool = False
    reminded: bool = False
    escalated: bool = False
    outcome: str | None = None
    implicite: bool = False
    completed_at: datetime | None = None
    completed_on: date | None = None
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


def data_error(catalog: Catalog, data: dict[str, Any]) -> str | None:
    """A French message if a completion's data has a value of the wrong type, else None."""
    for name, value in data.items():
        kind = catalog.data_types.get(name)
        if kind is None or value is None:
            continue
        if kind == "date":
            try:
                date.fromisoformat(str(value))
            except ValueError:
                return f"« {name} » doit être une date AAAA-MM-JJ (reçu : {value})."
        elif kind == "int" and not (isinstance(value, int) and not isinstance(value, bool)):
            return f"« {name} » doit être un nombre entier (reçu : {value})."
        elif kind == "bool" and not isinstance(value, bool):
            return f"« {name} » doit valoir true ou false (reçu : {value})."
        elif kind.startswith("choice:") and value not in kind[len("choice:") :].split(","):
            return f"« {name} » doit valoir {kind[len('choice:') :].replace(',', ', ')}."
    return None


def split_ref(ref: str) -> tuple[str, int | None]:
    """A step reference "key" (its latest occurrence) or "key:seq" (one of parallel ones)."""
    key, _, seq = ref.partition(":")
    return key, int(seq) if seq.isdigit() else None
