"""Who sees which procedure and which of its facts: the one place the rules are written."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, exists, false
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from domain.actors import OrgKind, Role
from domain.procedures import find
from store.tables import Organisation, Procedure, Step

# Organisations that see a procedure once one of its steps is, or was, assigned to them.
PARTNER_KINDS = frozenset(
    {
        OrgKind.POLICE,
        OrgKind.GENDARMERIE,
        OrgKind.PARQUET,
        OrgKind.PREFECTURE,
        OrgKind.JUGE,
        OrgKind.COMMISSAIRE_JUSTICE,
    }
)

# What a partner needs of the facts to act on its step (each kind's definition says it).
DEFAULT_SHARED_FACTS: tuple[str, ...] = ("kind", "residence")
SHARED_RESIDENCE = ("nom", "adresse", "commune_insee", "batiment", "hall")
# Front-line staff of a bailleur see that a procedure is in progress and where, nothing more
# (CNIL délibération 2014-123: criminal data only to the legal team and named managers).
IN_PROGRESS_FACTS: tuple[str, ...] = ("kind", "residence")
# Roles of a bailleur that see the whole file of its procedures.
FULL_ACCESS_ROLES = frozenset({Role.JURISTE, Role.MANAGER, Role.ADMIN})
# The steps a partner's visibility rests on, under a name of their own so that the clause stays
# correct in queries that select steps themselves. Built once: building an alias costs more than
# running the query it serves.
_ASSIGNED_STEP = aliased(Step, name="assigned_step")
FRONT_LINE_REFUSED = (
    "Réservé au service juridique et aux responsables du bailleur : un agent voit qu'une "
    "procédure est en cours, pas les pièces ni les documents nominatifs."
)


@dataclass(frozen=True)
class Scope:
    """The organisation a caller acts for, as far as visibility is concerned."""

    org_id: str
    org_kind: str | None  # None: an organisation unknown to the read model
    role: str | None = None  # None: the organisation's rule alone (no role known)


def scope_of(session: Session, org_id: str, role: str | None = None) -> Scope:
    """The visibility scope of organisation `org_id` (unknown organisations see nothing)."""
    organisation = session.get(Organisation, org_id)
    return Scope(org_id=org_id, org_kind=organisation.kind if organisation else None, role=role)


def visible_procedure_clause(org_id: str, org_kind: str | None) -> ColumnElement[bool]:
    """A WHERE clause on `Procedure` keeping only the procedures the organisation may see."""
    if org_kind == OrgKind.BAILLEUR:
        return col(Procedure.bailleur_id) == org_id
    if org_kind in PARTNER_KINDS:
        step = _ASSIGNED_STEP
        assigned = select(col(step.id)).where(
            col(step.procedure_id) == col(Procedure.id), col(step.org_id) == org_id
        )
        return exists(assigned)
    return false()


def scope_clause(scope: Scope) -> ColumnElement[bool]:
    """`visible_procedure_clause` for a scope."""
    return visible_procedure_clause(scope.org_id, scope.org_kind)


def can_see(session: Session, org_id: str, procedure_id: str) -> bool:
    """Whether organisation `org_id` may see procedure `procedure_id` (False if unknown)."""
    return sees(session, scope_of(session, org_id), procedure_id)


def sees(session: Session, scope: Scope, procedure_id: str) -> bool:
    """Whether `scope` may see procedure `procedure_id` (False if unknown)."""
    statement = select(col(Procedure.id)).where(
        col(Procedure.id) == procedure_id, scope_clause(scope)
    )
    return session.exec(statement).first() is not None


def sees_personal_data(org_kind: str | None, role: str | None = None) -> bool:
    """Whether a user of this organisation kind and role sees the whole facts, names included."""
    if org_kind != OrgKind.BAILLEUR:
        return False
    return role is None or role in FULL_ACCESS_ROLES


def sees_files(org_kind: str | None, role: str | None) -> bool:
    """Whether a user may list and download documents and exhibits of the procedures it sees."""
    return not (org_kind == OrgKind.BAILLEUR and role == Role.AGENT)


def facts_for(
    org_kind: str | None, facts: dict[str, Any], role: str | None = None
) -> dict[str, Any]:
    """The facts of a procedure as a user of kind `org_kind` and `role` may read them."""
    if sees_personal_data(org_kind, role):
        return dict(facts)
    if org_kind == OrgKind.BAILLEUR:
        shared = IN_PROGRESS_FACTS
    else:
        definition = find(str(facts.get("kind", "")))
        shared = definition.shared_facts if definition else DEFAULT_SHARED_FACTS
    reduced = {name: facts[name] for name in shared if name in facts}
    residence = reduced.get("residence")
    if isinstance(residence, dict):
        reduced["residence"] = {k: residence[k] for k in SHARED_RESIDENCE if k in residence}
    return reduced


class SearchTier(StrEnum):
    """Which text of a procedure a caller's search is matched against: never more than it sees."""

    IN_PROGRESS = "in_progress"  # a bailleur's front-line agent: that it is in progress, where
    SHARED = "shared"  # a partner: the facts its kind shares (each definition's shared_facts)
    FULL = "full"  # the bailleur's legal team and managers: the whole facts, names included


def search_tier(org_kind: str | None, role: str | None = None) -> SearchTier:
    """The search text a user of this organisation kind and role may match its terms against."""
    if sees_personal_data(org_kind, role):
        return SearchTier.FULL
    if org_kind == OrgKind.BAILLEUR:
        return SearchTier.IN_PROGRESS
    return SearchTier.SHARED


def facts_of_tier(tier: SearchTier, facts: dict[str, Any]) -> dict[str, Any]:
    """The facts a user of `tier` reads, by the rules of `facts_for` (all partners alike)."""
    if tier == SearchTier.FULL:
        return dict(facts)
    if tier == SearchTier.IN_PROGRESS:
        return facts_for(OrgKind.BAILLEUR, facts, Role.AGENT)
    return facts_for(OrgKind.POLICE, facts)
