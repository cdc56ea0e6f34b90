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

PARIS = ZoneInfo("Europe/Paris")
SIGNALEMENT, PLAINTE, RESILIATION = "signalement", "plainte", "resiliation"
TRAFIC = "trafic_stupefiants"
COLUMNS = ("facts_at", "categorie", "batiment", "hall", "trafic")  # revision 0005
MOMENT_COLUMNS = ("facts_hour", "facts_weekday")  # revision 0007
# A step's copies of its procedure's columns (revision 0007): step column → procedure column.
STEP_COPIES = {
    "facts_at": "facts_at",
    "commune_insee": "commune_insee",
    "procedure_kind": "kind",
    "procedure_status": "status",
}


def diagnostic_columns(
    kind: str, facts: Mapping[str, Any], opened_on: Iterable[date], created_at: datetime
) -> dict[str, Any]:
    """The diagnostic columns of a procedure: `opened_on` are the opening days of its steps."""
    faits = _mapping(facts.get("faits"))
    facts_at: datetime | None
    if kind == RESILIATION:
        days = list(opened_on)
        # A résiliation is dated by its first act: an imported dossier keeps its real start.
        facts_at = datetime.combine(min(days), time(), tzinfo=PARIS) if days else created_at
        motifs = facts.get("motifs")
        motifs = motifs if isinstance(motifs, list) else []
        categorie = _text(motifs[0]) if motifs else None
        place = _mapping(_mapping(facts.get("logement")).get("residence"))
        trafic = TRAFIC in motifs
    elif kind == PLAINTE:
        facts_at = _moment(faits.get("le"))
        categorie = _text(faits.get("categorie"))
        place = _mapping(facts.get("residence"))
        trafic = categorie == TRAFIC or faits.get("trafic_stupefiants") is True
    elif kind == SIGNALEMENT:
        facts_at = _moment(facts.get("faits_le"))
        categorie = _text(facts.get("categorie"))
        place = _mapping(facts.get("residence"))
        trafic = categorie == TRAFIC
    else:
        facts_at = created_at
        categorie = _text(facts.get("categorie"))
        place = _mapping(facts.get("residence"))
        trafic = categorie == TRAFIC
    return {
        "facts_at": facts_at,
        "categorie": categorie,
        "batiment": _text(place.get("batiment")),
        "hall": _text(place.get("hall")),
        "trafic": trafic,
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
