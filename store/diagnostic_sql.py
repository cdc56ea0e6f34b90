"""SQL expressions of the local diagnostics, portable between SQLite and PostgreSQL.

The moment, category, building and hall of the facts are columns of `procedure` filled by the
projection (store.diagnostic_columns), indexed with the commune and the kind: no JSON is read
per row, except the grounds of the résiliations.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, or_, select
from sqlmodel import col

from store.diagnostic_columns import PARIS, PLAINTE, RESILIATION, SIGNALEMENT
from store.diagnostic_filters import DiagnosticFilters
from store.tables import Commune, Procedure, Step

INCIDENT_KINDS = (SIGNALEMENT, PLAINTE)
CANCELLED = "cancelled"


def _facts() -> Any:
    return col(Procedure.facts)


def incident_trafic() -> ColumnElement[int]:
    """1 when the facts involve drug trafficking (category or the plainte's flag), else 0."""
    return case((col(Procedure.trafic).is_(True), 1), else_=0)


def resiliation_motifs() -> ColumnElement[str]:
    """The JSON text of a résiliation's list of grounds (split in Python: arrays are not
    portable in SQL; résiliations are few)."""
    return _facts()["motifs"].as_string()


def territory_clause(filters: DiagnosticFilters) -> list[ColumnElement[bool]]:
    """WHERE clauses on `Procedure` for the territory of `filters` (cancelled ones left out)."""
    clauses: list[ColumnElement[bool]] = [col(Procedure.status) != CANCELLED]
    if filters.commune:
        clauses.append(col(Procedure.commune_insee) == filters.commune)
    if filters.arrondissement:
        communes = select(col(Commune.insee)).where(
            col(Commune.arrondissement_code) == filters.arrondissement
        )
        clauses.append(col(Procedure.commune_insee).in_(communes))
    if filters.unit:
        communes = select(col(Commune.insee)).where(col(Commune.forces_org_id) == filters.unit)
        clauses.append(col(Procedure.commune_insee).in_(communes))
    if filters.residence:
        clauses.append(col(Procedure.residence_nom) == filters.residence)
    if filters.batiment:
        clauses.append(col(Procedure.batiment) == filters.batiment)
    if filters.hall:
        clauses.append(col(Procedure.hall) == filters.hall)
    return clauses


def _dated(kinds: tuple[str, ...], start: date, end: date) -> list[ColumnElement[bool]]:
    """Procedures of `kinds` whose facts fall on a Paris day between `start` and `end`."""
    first = datetime.combine(start, time(), tzinfo=PARIS)
    after = datetime.combine(end + timedelta(days=1), time(), tzinfo=PARIS)
    return [
        col(Procedure.kind).in_(kinds),
        col(Procedure.facts_at) >= first,
        col(Procedure.facts_at) < after,
    ]


def incident_period(start: date, end: date) -> list[ColumnElement[bool]]:
    """Signalements and plaintes whose facts happened between `start` and `end` included."""
    return _dated(INCIDENT_KINDS, start, end)


def resiliation_period(start: date, end: date) -> list[ColumnElement[bool]]:
    """Résiliations whose first act falls between `start` and `end` included."""
    return _dated((RESILIATION,), start, end)


def procedure_period(start: date, end: date) -> ColumnElement[bool]:
    """Any procedure of the diagnostics dated in the period."""
    return and_(*_dated((*INCIDENT_KINDS, RESILIATION), start, end))


def moment_buckets(dialect: str) -> list[ColumnElement[Any]]:
    """What the facts are grouped by for hours and weekdays: on PostgreSQL the Paris hour and
    ISO weekday, on SQLite (no time zones) the UTC hour, converted by `local_hour_weekday`."""
    if dialect == "sqlite":
        return [func.substr(col(Procedure.facts_at), 1, 13)]
    local = func.timezone("Europe/Paris", col(Procedure.facts_at))
    return [func.extract("hour", local), func.extract("isodow", local)]


def local_hour_weekday(bucket: tuple[Any, ...]) -> tuple[int, int]:
    """The Paris hour and weekday (0 = Monday) of a row of `moment_buckets`."""
    if len(bucket) == 2:
        return int(bucket[0]), int(bucket[1]) - 1
    local = datetime.fromisoformat(f"{bucket[0]}:00:00+00:00").astimezone(PARIS)
    return local.hour, local.weekday()


def days_taken(dialect: str) -> ColumnElement[int]:
    """Days from a step's opening to its completion (legal dates)."""
    if dialect == "sqlite":
        difference = func.julianday(col(Step.completed_on)) - func.julianday(col(Step.opened_on))
        return cast(difference, Integer)
    return cast(col(Step.completed_on) - col(Step.opened_on), Integer)


def late_clause() -> ColumnElement[bool]:
    """A step marked overdue, or completed after its due date."""
    completed_late = and_(
        col(Step.completed_on).is_not(None),
        col(Step.due).is_not(None),
        col(Step.completed_on) > col(Step.due),
    )
    return or_(col(Step.overdue).is_(True), completed_late)
