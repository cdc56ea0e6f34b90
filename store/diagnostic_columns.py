"""Columns of a procedure row the local diagnostics filter and group on, derived from its facts.

They copy what the JSON `facts` hold so that the diagnostics never read the JSON of every row:
the moment of the facts (and its Paris hour and weekday), their category, the building and hall,
and whether drugs are involved. Each step carries a copy of its procedure's date, commune, kind
and status, so that response times are counted without joining the steps to their procedures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from domain.definition import Diagnosed
from domain.facts import CategorieSignalement
from domain.kinds import ProcedureKind
from domain.procedures import find

PARIS = ZoneInfo("Europe/Paris")
RESILIATION = ProcedureKind.RESILIATION.value  # as migration 0005 knows it
TRAFIC = CategorieSignalement.TRAFIC_STUPEFIANTS.value
COLUMNS = ("facts_at", "categorie", "batiment", "hall", "trafic")  # revision 0005
MOMENT_COLUMNS = ("facts_hour", "facts_weekday")  # revision 0007
# A step's copies of its procedure's columns (revisions 0007, 0016): step column → procedure
# column.
STEP_COPIES = {
    "facts_at": "facts_at",
    "commune_insee": "commune_insee",
    "procedure_kind": "kind",
    "procedure_status": "status",
    "bailleur_id": "bailleur_id",
}
# Where a kind the diagnostics do not count keeps its place and category, if anywhere.
UNCOUNTED = Diagnosed(incident=False, moment=None, categories="categorie", place="residence")


def diagnostic_columns(
    kind: str, facts: Mapping[str, Any], opened_on: Iterable[date], created_at: datetime
) -> dict[str, Any]:
    """The diagnostic columns of a procedure: `opened_on` are the opening days of its steps."""
    definition = find(kind)
    counted = definition.diagnosed if definition and definition.diagnosed else None
    paths = counted or UNCOUNTED
    facts_at: datetime | None
    if paths.moment is not None:
        facts_at = _moment(_at(facts, paths.moment))
    elif counted is not None:
        days = list(opened_on)
        # Dated by its first act: an imported dossier keeps its real start.
        facts_at = datetime.combine(min(days), time(), tzinfo=PARIS) if days else created_at
    else:
        facts_at = created_at
    found = _at(facts, paths.categories)
    categories = found if isinstance(found, list) else [found]
    place = _mapping(_at(facts, paths.place))
    flag = _at(facts, paths.trafic_flag) if paths.trafic_flag else None
    return {
        "facts_at": facts_at,
        "categorie": _text(categories[0]) if categories else None,
        "batiment": _text(place.get("batiment")),
        "hall": _text(place.get("hall")),
        "trafic": TRAFIC in categories or flag is True,
    }


def procedure_columns(
    kind: str, facts: Mapping[str, Any], opened_on: Iterable[date], created_at: datetime
) -> dict[str, Any]:
    """Every diagnostic column of a procedure: `diagnostic_columns` and the moment's."""
    columns = diagnostic_columns(kind, facts, opened_on, created_at)
    return columns | moment_columns(columns["facts_at"])


def moment_columns(facts_at: datetime | None) -> dict[str, int | None]:
    """The Paris hour (0–23) and weekday (0 = Monday) of the facts, None when undated."""
    if facts_at is None:
        return dict.fromkeys(MOMENT_COLUMNS)
    local = facts_at.astimezone(PARIS)
    return {"facts_hour": local.hour, "facts_weekday": local.weekday()}


def step_copies(procedure: Any) -> dict[str, Any]:
    """What a step of `procedure` copies of it (a row or any object with its columns)."""
    return {name: getattr(procedure, source) for name, source in STEP_COPIES.items()}


def _at(facts: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of the facts (None where a part is missing)."""
    value: Any = facts
    for part in path.split("."):
        value = _mapping(value).get(part)
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, Mapping | list):
        return None
    return str(value)


def _moment(value: Any) -> datetime | None:
    """An aware date-time from the facts; a naive one is read as Paris time, garbage as None."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment
