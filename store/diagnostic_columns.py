"""Columns of a procedure row the local diagnostics filter and group on, derived from its facts.

They copy what the JSON `facts` hold so that the diagnostics never read the JSON of every row:
the moment of the facts, their category, the building and hall, and whether drugs are involved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
SIGNALEMENT, PLAINTE, RESILIATION = "signalement", "plainte", "resiliation"
TRAFIC = "trafic_stupefiants"
COLUMNS = ("facts_at", "categorie", "batiment", "hall", "trafic")


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
