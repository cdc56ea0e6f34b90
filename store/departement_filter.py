"""The département filter of the procedure list, the dashboard and the diagnostics: its check
against the départements loaded, its clause on a commune column, and the départements of a
caller's scope (a partner's organisation, a bailleur's résidences)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from domain.actors import OrgKind
from store.reference import served_departements
from store.tables import Commune, Organisation, Residence
from store.visibility import Scope


class UnknownDepartement(ValueError):
    """The département asked for is not loaded (message in French)."""


def check_departement(session: Session, code: str) -> None:
    """Refuse a département whose communes are not loaded, naming those that are."""
    served = served_departements(session)
    if code not in served:
        raise UnknownDepartement(
            f"Département inconnu : {code} (code d'un département servi attendu : "
            f"{', '.join(served) or 'aucun'})."
        )


def in_departement(commune_insee: Any, code: str) -> ColumnElement[bool]:
    """A WHERE clause keeping the rows whose `commune_insee` column lies in département `code`."""
    # Never correlated: the enclosing query may join Commune itself (for the commune's name).
    communes = select(col(Commune.insee)).where(col(Commune.departement) == code).correlate(None)
    return commune_insee.in_(communes)  # type: ignore[no-any-return]


def scope_departements(session: Session, scope: Scope) -> list[str]:
    """The départements of a caller's scope, in order: a bailleur's are those of its résidences,
    a partner's its organisation's; none when the scope names none (then every one is shown)."""
    if scope.org_kind == OrgKind.BAILLEUR:
        statement = (
            select(col(Commune.departement))
            .join(Residence, col(Residence.commune_insee) == col(Commune.insee))
            .where(col(Residence.bailleur_id) == scope.org_id)
            .distinct()
        )
        return sorted(code for code in session.exec(statement).all() if code)
    organisation = session.get(Organisation, scope.org_id)
    if organisation is not None and organisation.departement:
        return [organisation.departement]
    return []


def departement_choices(session: Session, codes: list[str]) -> list[tuple[str, str]]:
    """Each département of `codes` with its name, as a filter offers it: « 93 — Seine-Saint-Denis »
    (the territory of its préfecture in the reference data; the code alone if none)."""
    statement = select(col(Organisation.departement), col(Organisation.territory)).where(
        col(Organisation.kind) == OrgKind.PREFECTURE.value,
        col(Organisation.departement).in_(codes),
    )
    names = dict(session.exec(statement).all())
    return [(code, f"{code} — {names[code]}" if code in names else code) for code in codes]
