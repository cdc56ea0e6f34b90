"""SQL expressions of the local diagnostics, portable between SQLite and PostgreSQL.

The moment (with its Paris hour and weekday), category, building and hall of the facts are
columns of `procedure` filled by the projection (store.diagnostic_columns), all held by one index
led by the moment: no JSON is read per row, except the grounds of the résiliations. Each step
carries a copy of its procedure's moment, commune, kind and status: the response times of a
commune or of the whole département are counted from the steps alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, or_, select
from sqlmodel import col

from domain.procedures import DEFINITIONS
from store.departement_filter import in_departement
from store.diagnostic_columns import PARIS
from store.diagnostic_figures import DiagnosticSettings
from store.diagnostic_filters import DiagnosticFilters
from store.tables import Commune, Procedure, Step

# The kinds the diagnostics count: facts reported (by category, moment and hall), and
# procedures over a lease (by their grounds).
INCIDENT_KINDS = tuple(
    kind.value for kind, d in DEFINITIONS.items() if d.diagnosed and d.diagnosed.incident
)
GROUNDED = {
    kind.value: d.diagnosed.categories
    for kind, d in DEFINITIONS.items()
    if d.diagnosed and not d.diagnosed.incident
}
KINDS = (*INCIDENT_KINDS, *GROUNDED)
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Source:
    """The columns a diagnostic is filtered on: a procedure's own, or their copies on its steps."""

    kind: Any
    status: Any
    facts_at: Any
    commune_insee: Any


PROCEDURES = Source(
    col(Procedure.kind),
    col(Procedure.status),
    col(Procedure.facts_at),
    col(Procedure.commune_insee),
)
STEPS = Source(
    col(Step.procedure_kind),
    col(Step.procedure_status),
    col(Step.facts_at),
    col(Step.commune_insee),
)


def incident_trafic() -> ColumnElement[int]:
    """1 when the facts involve drug trafficking (category or the plainte's flag), else 0."""
    return case((col(Procedure.trafic).is_(True), 1), else_=0)


def grounds(kind: str) -> ColumnElement[str]:
    """The JSON text of a procedure's list of grounds (split in Python: arrays are not
    portable in SQL; such procedures are few)."""
    return col(Procedure.facts)[GROUNDED[kind]].as_string()


def area_clause(
    filters: DiagnosticFilters, source: Source = PROCEDURES
) -> list[ColumnElement[bool]]:
    """The commune, arrondissement or unit of `filters` on `source` (cancelled ones left out)."""
    clauses: list[ColumnElement[bool]] = [source.status != CANCELLED]
    if filters.commune:
        clauses.append(source.commune_insee == filters.commune)
    if filters.departement:
        clauses.append(in_departement(source.commune_insee, filters.departement))
    if filters.arrondissement:
        communes = select(col(Commune.insee)).where(
            col(Commune.arrondissement_code) == filters.arrondissement
        )
        clauses.append(source.commune_insee.in_(communes))
    if filters.unit:
        communes = select(col(Commune.insee)).where(col(Commune.forces_org_id) == filters.unit)
        clauses.append(source.commune_insee.in_(communes))
    return clauses


def place_clause(filters: DiagnosticFilters) -> list[ColumnElement[bool]]:
    """The residence, building and hall of `filters`, on `Procedure` only."""
    clauses: list[ColumnElement[bool]] = []
    if filters.residence:
        clauses.append(col(Procedure.residence_nom) == filters.residence)
    if filters.batiment:
        clauses.append(col(Procedure.batiment) == filters.batiment)
    if filters.hall:
        clauses.append(col(Procedure.hall) == filters.hall)
    return clauses


def territory_clause(filters: DiagnosticFilters) -> list[ColumnElement[bool]]:
    """WHERE clauses on `Procedure` for the territory of `filters` (cancelled ones left out)."""
    return [*area_clause(filters), *place_clause(filters)]


def _first_instant(day: date) -> datetime:
    """Midnight in Paris at the start of `day`."""
    return datetime.combine(day, time(), tzinfo=PARIS)


def dated(
    kinds: tuple[str, ...], start: date, end: date, source: Source = PROCEDURES
) -> list[ColumnElement[bool]]:
    """Procedures of `kinds` whose facts fall on a Paris day between `start` and `end`."""
    return [
        source.kind.in_(kinds),
        source.facts_at >= _first_instant(start),
        source.facts_at < _first_instant(end + timedelta(days=1)),
    ]


def incident_period(start: date, end: date) -> list[ColumnElement[bool]]:
    """Signalements and plaintes whose facts happened between `start` and `end` included."""
    return dated(INCIDENT_KINDS, start, end)


def grounded_period(kind: str, start: date, end: date) -> list[ColumnElement[bool]]:
    """Procedures of `kind` (a résiliation) whose first act falls between `start` and `end`."""
    return dated((kind,), start, end)


def steps_of(
    filters: DiagnosticFilters, viewer: ColumnElement[bool] | None
) -> list[ColumnElement[bool]]:
    """WHERE clauses on `Step` for the steps of the procedures of `filters` a viewer may count
    (`viewer` None: all of them): on the steps' copies alone, unless a viewer or a place needs
    the procedures themselves."""
    clauses = [*area_clause(filters, STEPS), *dated(KINDS, filters.start, filters.end, STEPS)]
    narrowing = [*([] if viewer is None else [viewer]), *place_clause(filters)]
    if narrowing:
        procedures = select(col(Procedure.id)).where(
            *narrowing, *area_clause(filters), *dated(KINDS, filters.start, filters.end)
        )
        clauses.append(col(Step.procedure_id).in_(procedures))
    return clauses


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


def hall_level(
    count: ColumnElement[int], trafficking: ColumnElement[int], settings: DiagnosticSettings
) -> ColumnElement[int]:
    """The graded level of a hall from its facts in the period (DiagnosticSettings)."""
    established = count >= settings.established_from
    if settings.trafficking_is_established:
        established = or_(established, trafficking == 1)
    return case((established, 3), (count >= settings.recurring_from, 2), else_=1)
