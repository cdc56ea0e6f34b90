"""French words the pages show for the values the API keeps as keys: each from the enum or
the model (field titles) that defines it in domain/, and the dates written out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from domain.actors import Actor, Role
from domain.calendar import french_date
from domain.contracts import ProcedureStatus
from domain.documents import DocumentKind
from domain.kinds import ProcedureKind
from domain.labels import (
    Labelled,
    field_enum,
    field_moment,
    field_title,
    humanise,
    nested_model,
    wording,
)
from domain.pieces import PieceKind
from domain.steps import StepStatus

PARIS = ZoneInfo("Europe/Paris")
# The field of a résidence holding its commune's INSEE code, shown by the commune's name.
COMMUNE_FIELD = "commune_insee"


def _codes(enum: type[Labelled]) -> dict[str, str]:
    return dict(enum.choices())


# The words of the codes the pages show, each from the enum that holds it.
KINDS = _codes(ProcedureKind)
STATUSES = _codes(ProcedureStatus)
STEP_STATUSES = _codes(StepStatus)
ACTORS = _codes(Actor)
ROLES = _codes(Role)
PIECE_KINDS = _codes(PieceKind)
# How the sign-in page groups the organisations it offers.
ORG_KINDS = {
    "bailleur": "Bailleurs (démonstration)",
    "parquet": "Parquet",
    "prefecture": "Préfecture",
    "juge": "Tribunal",
    "commissaire_justice": "Commissaires de justice (démonstration)",
    "police": "Police nationale",
    "gendarmerie": "Gendarmerie nationale",
}
RELATIONS = {"origine": "à l'origine de ce dossier", "suite": "suite donnée à ce dossier"}
DOCUMENT_KINDS = _codes(DocumentKind)

# The labels of the inputs of the fixed forms: each input and the summary of its form's errors
# read them here, so that a summary names a field as its label does.
STEP_LABELS = {
    "outcome": "Résultat",
    "date": "Date de l'acte",
    "comment": "Commentaire (facultatif)",
}
PIECE_LABELS = {"title": "Intitulé", "kind": "Nature", "file": "Fichier"}
SIGN_IN_LABELS = {"org": "Organisation", "role": "Rôle", "nom": "Votre nom"}


def date_fr(value: date | str | None, weekday: bool = False) -> str:
    """A date in French ("lundi 2 mars 2026"), or a dash when there is none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    return french_date(value, weekday=weekday)


SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def short_date(value: date) -> str:
    """A day and month in few letters ("7 sept."), for the axis of a chart."""
    return f"{value.day} {SHORT_MONTHS[value.month - 1]}"


def datetime_fr(value: datetime | str | None) -> str:
    """An instant in French, Paris time ("2 mars 2026 à 14 h 05")."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(PARIS) if value.tzinfo else value
    return f"{french_date(local.date())} à {local.hour} h {local.minute:02d}"


def _fact_text(
    model: type[BaseModel] | None, name: str, value: Any, communes: dict[str, str]
) -> str:
    if name == COMMUNE_FIELD and isinstance(value, str):
        return communes.get(value, value)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    enum = field_enum(model, name) if model is not None else None
    if enum is not None and isinstance(value, str):
        return wording(enum, value)
    moment = field_moment(model, name) if model is not None else None
    if moment is not None and isinstance(value, str):
        try:
            return datetime_fr(value) if moment is datetime else date_fr(value)
        except ValueError:
            return value
    return str(value)


def facts_view(
    facts: dict[str, Any],
    model: type[BaseModel] | None = None,
    communes: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The facts as entries {"label", and "text", "pairs" (an object) or "items" (a list)},
    named by the titles of `model` (a kind's start facts), rendered recursively by the page;
    a commune by its name among `communes` (INSEE code → name)."""
    communes = communes or {}
    entries: list[dict[str, Any]] = []
    for name, value in facts.items():
        if value is None or value == [] or name == "kind":
            continue
        title = field_title(model, name) if model is not None else None
        entry: dict[str, Any] = {"label": title or humanise(name)}
        inner = nested_model(model, name) if model is not None else None
        if isinstance(value, dict):
            entry["pairs"] = facts_view(value, inner, communes)
        elif isinstance(value, list):
            entry["items"] = [
                facts_view(item, inner, communes)
                if isinstance(item, dict)
                else _fact_text(model, name, item, communes)
                for item in value
            ]
        else:
            entry["text"] = _fact_text(model, name, value, communes)
        entries.append(entry)
    return entries
