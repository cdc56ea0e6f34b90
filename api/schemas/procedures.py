"""Response models of procedures: the list, its pages, the detail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.documents import DocumentPublic
from api.schemas.organisations import CommunePublic, OrganisationRef
from api.schemas.steps import EventPublic, StepPublic
from domain.contracts import Milestone
from domain.procedures import readable_title
from domain.steps import Catalog
from store.queries import ProcedureRecord, ProcedureRow
from store.tables import Procedure
from store.visibility import facts_for, sees_files


class ProcedureSummary(BaseModel):
    id: str
    kind: str
    status: str
    bailleur: OrganisationRef
    commune: CommunePublic
    residence_nom: str
    title: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    next_due: date | None
    overdue: bool
    pending_actors: list[str]

    @classmethod
    def fields_of(
        cls, procedure: Procedure, commune_name: str | None, bailleur_name: str | None
    ) -> dict[str, Any]:
        """The summary fields of a procedure row."""
        return {
            "id": procedure.id,
            "kind": procedure.kind,
            "status": procedure.status,
            "bailleur": OrganisationRef(id=procedure.bailleur_id, name=bailleur_name),
            "commune": CommunePublic(insee=procedure.commune_insee, name=commune_name),
            "residence_nom": procedure.residence_nom,
            "title": readable_title(procedure.title),
            "created_at": procedure.created_at,
            "updated_at": procedure.updated_at,
            "closed_at": procedure.closed_at,
            "next_due": procedure.next_due,
            "overdue": procedure.overdue,
            "pending_actors": procedure.pending_actors.split(),
        }

    @classmethod
    def of(cls, row: ProcedureRow) -> ProcedureSummary:
        """A line of the procedure list."""
        return cls(**cls.fields_of(row.procedure, row.commune_name, row.bailleur_name))


class LinkPublic(BaseModel):
    """Another procedure of the same case; its kind, title and status only if the caller sees
    it. `relation`: "origine" (it led to this one), "suite" (this one led to it)."""

    procedure_id: str
    relation: str | None = None
    kind: str | None = None
    title: str | None = None
    status: str | None = None

    @classmethod
    def of(cls, link: dict[str, Any], linked: dict[str, Procedure]) -> LinkPublic:
        """A "lien" entry of the projection, told with what the caller may see of the other."""
        other = linked.get(str(link["procedure_id"]))
        if other is None:
            return cls(procedure_id=str(link["procedure_id"]), relation=link.get("relation"))
        return cls(
            procedure_id=other.id,
            relation=link.get("relation"),
            kind=other.kind,
            title=readable_title(other.title),
            status=other.status,
        )


class MilestonePublic(Milestone):
    """A legal date shown on the procedure, as the read model keeps it."""


class ProcedurePublic(ProcedureSummary):
    facts: dict[str, Any]
    steps: list[StepPublic]
    events: list[EventPublic]
    documents: list[DocumentPublic]
    links: list[LinkPublic]
    suggestions: list[str]  # kinds of procedure suggested (e.g. a résiliation)
    milestones: list[MilestonePublic]

    @classmethod
    def of_record(
        cls,
        record: ProcedureRecord,
        org_kind: str | None,
        catalog: Catalog | None,
        role: str | None = None,
    ) -> ProcedurePublic:
        """The detail of a procedure reduced to what a user of `org_kind` and `role` may read."""
        procedure = record.procedure
        files = sees_files(org_kind, role)
        steps = [StepPublic.of(s, record.org_names, catalog) for s in record.steps]
        if not files:
            # What was entered at each step may name people: front-line staff see the progress.
            steps = [s.model_copy(update={"data": {}, "comment": None}) for s in steps]
        return cls(
            **cls.fields_of(procedure, record.commune_name, record.bailleur_name),
            facts=facts_for(org_kind, procedure.facts, role),
            steps=steps,
            events=[EventPublic.of(e) for e in record.events],
            documents=[DocumentPublic.model_validate(d) for d in record.documents if files],
            links=[
                LinkPublic.of(link, record.linked)
                for link in _entries(procedure.links, "lien")
                if link.get("procedure_id")
            ],
            suggestions=[str(s.get("kind")) for s in _entries(procedure.links, "suggestion")],
            milestones=[MilestonePublic.model_validate(m) for m in procedure.milestones],
        )


def _entries(links: list[Any], type_: str) -> list[dict[str, Any]]:
    """The entries of one type ("lien", "suggestion") of a projected `links` list."""
    return [link for link in links if isinstance(link, dict) and link.get("type") == type_]


class ProcedurePage(BaseModel):
    items: list[ProcedureSummary]
    total: int
    total_capped: bool = Field(
        default=False,
        description="vrai quand une recherche trouve plus de `total` procédures : le décompte"
        " s'arrête là, préciser la recherche pour les voir toutes",
    )
    page: int
    per_page: int
