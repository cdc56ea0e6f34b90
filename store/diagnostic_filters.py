"""The territory and period of a local diagnostic, checked against the reference data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from domain.actors import OrgKind
from store.departement_filter import UnknownDepartement, check_departement
from store.reference import served_departements
from store.tables import Commune, Organisation

MAX_PERIOD_DAYS = 5 * 366
FORCES_KINDS = (OrgKind.POLICE.value, OrgKind.GENDARMERIE.value)


class DiagnosticFilterError(ValueError):
    """A filter of the diagnostics is invalid (message in French); `field` names the filter at
    fault, if one is."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DiagnosticFilters:
    """A territory and a period; None means the whole département."""

    start: date
    end: date
    arrondissement: str | None = None
    commune: str | None = None
    unit: str | None = None  # a police or gendarmerie organisation id
    residence: str | None = None
    batiment: str | None = None
    hall: str | None = None
    departement: str | None = None  # the code of a département loaded


def check_filters(session: Session, filters: DiagnosticFilters) -> None:
    """Refuse a period upside down or too long, and places the reference data does not know."""
    if filters.start > filters.end:
        raise DiagnosticFilterError(
            f"Période invalide : le début ({filters.start.isoformat()}) est après la fin "
            f"({filters.end.isoformat()}).",
            "du",
        )
    if (filters.end - filters.start).days >= MAX_PERIOD_DAYS:
        raise DiagnosticFilterError("Période trop longue : cinq ans au plus.", "du")
    if filters.commune and session.get(Commune, filters.commune) is None:
        raise DiagnosticFilterError(
            f"Commune inconnue : {filters.commune} (code INSEE d'une commune des "
            f"départements {', '.join(served_departements(session)) or 'servis'} attendu).",
            "commune",
        )
    if filters.departement:
        try:
            check_departement(session, filters.departement)
        except UnknownDepartement as error:
            raise DiagnosticFilterError(str(error), "departement") from None
    if filters.arrondissement:
        known = session.exec(
            select(col(Commune.insee)).where(
                col(Commune.arrondissement_code) == filters.arrondissement
            )
        ).first()
        if known is None:
            raise DiagnosticFilterError(
                f"Arrondissement inconnu : {filters.arrondissement} "
                f"({_arrondissements_example(session)})."
            )
    if filters.unit:
        unit = session.get(Organisation, filters.unit)
        if unit is None or unit.kind not in FORCES_KINDS:
            raise DiagnosticFilterError(
                f"Unité inconnue : {filters.unit} (identifiant d'un commissariat ou d'une "
                "brigade : `quietude orgs`)."
            )
    if (filters.batiment or filters.hall) and not filters.residence:
        raise DiagnosticFilterError(
            "Le bâtiment et le hall se choisissent dans une résidence : préciser « residence »."
        )


def _arrondissements_example(session: Session) -> str:
    """The first arrondissements of the data (code and name), as an example for a refusal."""
    rows = session.exec(
        select(col(Commune.arrondissement_code), col(Commune.arrondissement))
        .distinct()
        .order_by(col(Commune.arrondissement_code))
        .limit(3)
    ).all()
    return "par exemple " + ", ".join(f"{code} {name}" for code, name in rows)
