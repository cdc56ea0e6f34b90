"""What the rest of the code knows of a kind of procedure: one definition per kind, read by the
service, the worker, the pages, the visibility rules, the diagnostics and the documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from domain.contracts import CompleteStep, Declaration, Milestone, Policy
from domain.facts import StartFacts
from domain.kinds import ProcedureKind
from domain.steps import Catalog, StepState

F = TypeVar("F", bound=StartFacts)


def no_refusal(*_: Any) -> str | None:
    """The rule of a kind whose law adds nothing here."""
    return None


@dataclass(frozen=True)
class StartWording:
    """What the page opening a procedure of this kind says, and what its form offers beyond
    what the start facts' model tells (the form itself is built from that model)."""

    title: str  # "Nouveau signalement"
    summary: str  # what it is for, on "Nouvelle procédure"
    note: str  # said above the form
    submit: str  # the button
    # Plainer words than the model's for an error of a whole field, e.g. a list left empty.
    messages: dict[str, str] = field(default_factory=dict)
    # Values an empty form shows, by input name, besides the model's defaults.
    defaults: dict[str, Any] = field(default_factory=dict)
    # How many rows an empty form offers for each list of persons or places (1 otherwise).
    rows: dict[str, int] = field(default_factory=dict)
    # Fields people do not type on the page (given through the API or an import), by name.
    untyped: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Diagnosed:
    """How the local diagnostics count a kind (law.md §6), and where its recorded facts keep
    what they count (dotted paths into the facts)."""

    # Facts reported on the territory, counted by category, hour, weekday and hall; otherwise
    # a procedure over a lease, counted by its grounds.
    incident: bool
    moment: str | None  # the date-time of the facts; None: dated by the first act
    categories: str  # its category, or its list of grounds (the first one is its category)
    place: str  # its résidence
    trafic_flag: str | None = None  # a yes/no of drug trafficking beside the category


@dataclass(frozen=True)
class ProcedureDefinition(Generic[F]):
    """One kind of procedure: its start facts, its steps, its words and its rules."""

    kind: ProcedureKind
    facts: type[F]
    catalog: Catalog
    title: Callable[[F], str]  # the title of a dossier, from its facts
    plural: str  # "Signalements", in the tables of the diagnostics
    wording: StartWording
    # What a partner (police, parquet, préfet…) sees of the facts to act on its step.
    shared_facts: tuple[str, ...]
    # The letters (document kinds) an action in court rests on: the dossier for the court
    # numbers them first, before the other letters in the procedure's order.
    founding_letters: tuple[str, ...] = ()
    # How the local diagnostics count it (None: they do not).
    diagnosed: Diagnosed | None = None
    # A rule of law the start body breaks (French message), else None.
    refusal: Callable[[F], str | None] = no_refusal
    # A rule of law a completion breaks, given the facts, the pending step and the convention's
    # policy as it stands (French message).
    completion_refusal: Callable[[F, StepState, CompleteStep, Policy], str | None] = no_refusal
    # A rule of law a declaration breaks, given the facts, the steps so far and the dates
    # shown (French message).
    declaration_refusal: Callable[
        [F, Declaration, list[StepState], list[Milestone]], str | None
    ] = no_refusal
    # Its dates depend on the trêve hivernale: a moved end of a winter is delivered to the
    # running procedures of this kind (`revise_policy`).
    uses_treve: bool = False

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def workflow(self) -> str:
        """The name of the workflow that runs this kind (its flow in workflows/<kind>.py)."""
        return self.kind.value

    def parse(self, facts: dict[str, Any]) -> F:
        """The start facts of a dossier, as recorded."""
        return self.facts.model_validate(facts)

    def applicable(self, facts: F) -> frozenset[str]:
        """The steps a dossier with these facts may go through."""
        return self.catalog.applicable(facts)
