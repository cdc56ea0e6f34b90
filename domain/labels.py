"""Codes kept as their value, each with the one French wording people read (pages, documents,
e-mails and the API's messages all take it from here)."""

from __future__ import annotations

import types
import typing
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Self

from pydantic import AwareDatetime, BaseModel


class Labelled(StrEnum):
    """A StrEnum whose members carry their French wording: `MEMBER = "code", "Wording"`."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def choices(cls) -> tuple[tuple[str, str], ...]:
        """(code, wording) of every member, in their order (the options of a form)."""
        return tuple((member.value, member.label) for member in cls)


# The ligatures French writes that NFKD keeps whole (it splits only "ﬁ"-like ones).
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def collation_key(name: str) -> str:
    """The key a list of names is sorted by for people, whatever the locale: accents and case
    set aside, ligatures written out ("Évry" between "Étampes" and "Fontenay", not after
    "Wissous"); also stored as Commune.sort_key for the lists sorted in SQL."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return bare.translate(_LIGATURES)


def humanise(code: str) -> str:
    """A code written for people when no wording is known: "sans_suite" → "Sans suite"."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def enums_of(annotation: Any) -> Iterator[type[Labelled]]:
    """The Labelled enums an annotation holds (through lists, unions and optional values)."""
    if isinstance(annotation, type) and issubclass(annotation, Labelled):
        yield annotation
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from labelled_enums(annotation)
        return
    if typing.get_origin(annotation) in (list, tuple, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            yield from enums_of(argument)


def labelled_enums(model: type[BaseModel]) -> Iterator[type[Labelled]]:
    """The Labelled enums of a model's fields, nested models included."""
    for field in model.model_fields.values():
        yield from enums_of(field.annotation)


def field_enum(model: type[BaseModel], name: str) -> type[Labelled] | None:
    """The Labelled enum of field `name` of `model`, if its values are codes of one."""
    field = model.model_fields.get(name)
    if field is None:
        return None
    found = [e for e in enums_of(field.annotation) if not issubclass(e, BaseModel)]
    return found[0] if found else None


def nested_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    """The model of field `name` of `model` (or of the items of its list), if it is one."""
    field = model.model_fields.get(name)
    if field is None:
        return None
    candidates = [field.annotation, *typing.get_args(field.annotation)]
    for candidate in candidates:
        for inner in (candidate, *typing.get_args(candidate)):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def field_moment(model: type[BaseModel], name: str) -> type[date] | None:
    """`datetime` or `date` when field `name` of `model` holds one, else None."""
    field = model.model_fields.get(name)
    if field is None:
        return None
    for candidate in (field.annotation, *typing.get_args(field.annotation)):
        if candidate is AwareDatetime or (
            isinstance(candidate, type) and issubclass(candidate, datetime)
        ):
            return datetime
        if isinstance(candidate, type) and issubclass(candidate, date):
            return date
    return None


def field_title(model: type[BaseModel], name: str) -> str | None:
    """The French title of field `name` of `model`, if it has one."""
    field = model.model_fields.get(name)
    return field.title if field is not None else None


def wording(enum: type[Labelled], code: str | None) -> str:
    """The wording of `code` among the members of `enum`, else the code written for people."""
    if not code:
        return ""
    try:
        return enum(code).label
    except ValueError:
        return humanise(code)
