"""SQL expressions of the local diagnostics, portable between SQLite and PostgreSQL.

JSON paths go through SQLAlchemy's JSON operators (`json_extract` on SQLite, `#>>` on
PostgreSQL); the facts' dates are ISO strings, so a day or an hour is a prefix of them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, or_, select
from sqlmodel import col

from store.diagnostic_filters import DiagnosticFilters
from store.tables import Commune, Procedure, Step

SIGNALEMENT, PLAINTE, RESILIATION = "signalement", "plainte", "resiliation"
INCIDENT_KINDS = (SIGNALEMENT, PLAINTE)
TRAFIC = "trafic_stupefiants"
CANCELLED = "cancelled"


def _facts() -> Any:
    return col(Procedure.facts)


def residence_field(name: str) -> ColumnElement[str]:
    """A field of the residence of any kind of procedure (a résiliation's is its logement's)."""
    return case(
        (col(Procedure.kind) == RESILIATION, _facts()[("logement", "residence", name)].as_string()),
        else_=_facts()[("residence", name)].as_string(),
    )


def incident_moment() -> ColumnElement[str]:
    """The ISO date-time of the facts of a signalement or a plainte, as entered."""
    return case(
        (col(Procedure.kind) == PLAINTE, _facts()[("faits", "le")].as_string()),
        else_=_facts()["faits_le"].as_string(),
    )


def incident_category() -> ColumnElement[str]:
    """The category of the facts of a signalement or a plainte."""
    return case(
        (col(Procedure.kind) == PLAINTE, _facts()[("faits", "categorie")].as_string()),
        else_=_facts()["categorie"].as_string(),
    )


def incident_trafic() -> ColumnElement[int]:
    """1 when the facts involve drug trafficking (category or the plainte's flag), else 0."""
    flag = _facts()[("faits", "trafic_stupefiants")].as_boolean()
    return case(
        (incident_category() == TRAFIC, 1),
        (and_(col(Procedure.kind) == PLAINTE, flag), 1),
        else_=0,
    )


def resiliation_motifs() -> ColumnElement[str]:
    """The JSON text of a résiliation's list of grounds (split in Python: arrays are not
    portable in SQL)."""
    return _facts()["motifs"].as_string()


def first_act_on() -> Any:
    """The day of a procedure's first act: an imported dossier keeps its real start date."""
    return (
        select(func.min(col(Step.opened_on)))
        .where(col(Step.procedure_id) == col(Procedure.id))
        .correlate(Procedure)
        .scalar_subquery()
    )


def day_of(moment: ColumnElement[str]) -> ColumnElement[str]:
    """The local day (YYYY-MM-DD) of an ISO date-time string."""
    return func.substr(moment, 1, 10)


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
        clauses.append(residence_field("batiment") == filters.batiment)
    if filters.hall:
        clauses.append(residence_field("hall") == filters.hall)
    return clauses


def incident_period(start: date, end: date) -> list[ColumnElement[bool]]:
    """Signalements and plaintes whose facts happened between `start` and `end` included."""
    day = day_of(incident_moment())
    return [
        col(Procedure.kind).in_(INCIDENT_KINDS),
        day >= start.isoformat(),
        day <= end.isoformat(),
    ]


def resiliation_period(start: date, end: date) -> list[ColumnElement[bool]]:
    """Résiliations whose first act falls between `start` and `end` included."""
    first = first_act_on()
    return [col(Procedure.kind) == RESILIATION, first >= start, first <= end]


def procedure_period(start: date, end: date) -> ColumnElement[bool]:
    """Any procedure of the diagnostics dated in the period."""
    return or_(and_(*incident_period(start, end)), and_(*resiliation_period(start, end)))


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
