"""The registry of procedure definitions: each module of this package that holds a DEFINITION
(domain/procedures/<kind>.py), one per member of ProcedureKind."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Field

from domain.definition import ProcedureDefinition
from domain.facts import StartFacts
from domain.kinds import ProcedureKind
from domain.labels import Labelled, labelled_enums


def _discovered() -> dict[ProcedureKind, ProcedureDefinition[Any]]:
    """The DEFINITION of each module of this package, in the order of ProcedureKind."""
    found = {}
    for module in pkgutil.iter_modules(__path__):
        item = getattr(importlib.import_module(f"{__name__}.{module.name}"), "DEFINITION", None)
        if isinstance(item, ProcedureDefinition):
            found[item.kind] = item
    return {kind: found[kind] for kind in ProcedureKind if kind in found}


DEFINITIONS: dict[ProcedureKind, ProcedureDefinition[Any]] = _discovered()
if set(DEFINITIONS) != set(ProcedureKind):
    missing = ", ".join(kind.value for kind in set(ProcedureKind) - set(DEFINITIONS))
    raise ImportError(f"no definition in domain/procedures/ for: {missing}")


def definition(kind: str) -> ProcedureDefinition[Any]:
    """The definition of `kind`; ValueError for a kind this version does not know."""
    return DEFINITIONS[ProcedureKind(kind)]


def find(kind: str) -> ProcedureDefinition[Any] | None:
    """The definition of `kind`, or None (a row written by another version)."""
    try:
        return DEFINITIONS[ProcedureKind(kind)]
    except ValueError:
        return None


def code_labels() -> dict[str, str]:
    """The French wording of every code the start facts of any kind may hold (categories,
    sources, grounds…), for texts that name a code out of its field (documents)."""
    labels: dict[str, str] = {}
    for enum in _fact_enums():
        for member in enum:
            labels.setdefault(member.value, member.label)
    return labels


def readable_title(title: str) -> str:
    """A stored title in the words of the codes it names: earlier versions wrote the codes
    themselves ("Signalement — trafic stupefiants" → "Signalement — trafic de stupéfiants")."""
    head, dash, tail = title.partition(" — ")
    if not dash:
        return title
    words = _raw_code_words()
    return head + dash + ", ".join(words.get(part, part) for part in tail.split(", "))


@functools.cache
def _raw_code_words() -> dict[str, str]:
    """The wording of each code of the start facts, by the code as earlier titles wrote it."""
    return {code.replace("_", " "): label.lower() for code, label in code_labels().items()}


def _fact_enums() -> list[type[Labelled]]:
    found: dict[type[Labelled], None] = {}
    for item in DEFINITIONS.values():
        found.update(dict.fromkeys(labelled_enums(item.facts)))
    return list(found)


# The body of POST /api/procedures: the start facts of one kind, chosen by "kind".
if TYPE_CHECKING:
    StartBody = StartFacts
else:
    StartBody = Annotated[
        Union[tuple(item.facts for item in DEFINITIONS.values())],  # noqa: UP007
        Field(discriminator="kind"),
    ]
