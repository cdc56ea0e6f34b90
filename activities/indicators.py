"""Indicators of a territory from the read model, to evaluate a joint intervention."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio import activity

from domain.contracts import IndicatorRequest, IndicatorResult
from domain.facts import paris_day
from store.diagnostic_sql import INCIDENT_KINDS
from store.tables import Procedure


def facts_day(facts: Mapping[str, Any]) -> date | None:
    """The day in Paris of the facts of a signalement or a plainte."""
    moment = facts.get("faits_le") or (facts.get("faits") or {}).get("le")
    return paris_day(datetime.fromisoformat(moment)) if moment else None


def category(facts: Mapping[str, Any]) -> str:
    return str(facts.get("categorie") or (facts.get("faits") or {}).get("categorie") or "autre")


class IndicatorActivities:
    """Counts read from the read model; reading twice changes nothing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @activity.defn(name="territory_indicators")
    def territory(self, request: IndicatorRequest) -> IndicatorResult:
        """Signalements and plaintes of the résidence by category, before and after."""
        statement = select(Procedure.facts).where(
            col(Procedure.kind).in_(INCIDENT_KINDS),
            col(Procedure.commune_insee) == request.commune_insee,
            col(Procedure.residence_nom) == request.residence_nom,
        )
        before: Counter[str] = Counter()
        after: Counter[str] = Counter()
        with Session(self.engine) as session:
            for facts in session.exec(statement).all():
                day = facts_day(facts)
                if day is None:
                    continue
                if request.before_from <= day < request.before_to:
                    before[category(facts)] += 1
                elif request.after_from <= day < request.after_to:
                    after[category(facts)] += 1
        return IndicatorResult(before=dict(before), after=dict(after))
