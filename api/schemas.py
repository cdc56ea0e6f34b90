"""Response models of the API and their construction from the read model."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, computed_field

from domain.calendar import Deadline
from domain.facts import (
    Bail,
    Lien,
    Logement,
    MotifResiliation,
    OrigineResiliation,
    Personne,
    PlainteFacts,
    ResiliationFacts,
    Strict,
)
from domain.steps import Catalog, StepStatus
from store.queries import DashboardFigures, ProcedureRecord, ProcedureRow, TaskCounts, TaskRow
from store.tables import Procedure, Step
from store.visibility import facts_for, sees_files


class Public(BaseModel):
    """A response model that reads the attributes of rows and records."""

    model_config = ConfigDict(from_attributes=True)


class OrganisationPublic(Public):
    id: str
    kind: str
    name: str
    territory: str


class OrganisationRef(BaseModel):
    id: str
    name: str | None = None


class CommunePublic(BaseModel):
    insee: str
    name: str | None = None


class OutcomePublic(BaseModel):
    key: str
    label: str
    required: list[str]


class StepPublic(Public):
    key: str
    seq: int
    label: str
    actor: str
    org: str = Field(validation_alias=AliasChoices("org", "org_id"))
    org_name: str | None = None
    assignee_sub: str | None = None
    status: str
    opened_at: datetime
    opened_on: date
    due: date | None
    due_explanation: str
    overdue: bool
    outcome: str | None
    outcome_label: str | None = None
    implicite: bool
    completed_at: datetime | None
    completed_on: date | None
    completed_by: str | None
    legal_basis: str
    data: dict[str, Any]
    comment: str | None
    outcomes: list[OutcomePublic] = []  # what a pending step accepts; empty once done

    @classmethod
    def of(cls, step: Step, org_names: dict[str, str], catalog: Catalog | None) -> StepPublic:
        """A step row with the outcomes its spec accepts while it is pending."""
        spec = catalog.spec(step.key) if catalog and catalog.has(step.key) else None
        chosen = spec.outcome(step.outcome) if spec and step.outcome else None
        open_outcomes = spec.outcomes if spec and step.status == StepStatus.PENDING else ()
        extra = {
            "org_name": org_names.get(step.org_id),
            "outcome_label": chosen.label if chosen else None,
            "outcomes": [
                OutcomePublic(key=o.key, label=o.label, required=list(o.required))
                for o in open_outcomes
            ],
        }
        return cls.model_validate(step).model_copy(update=extra)


class EventPublic(Public):
    seq: int
    at: datetime
    type: str
    message: str
    step_key: str | None
    org: str | None = Field(validation_alias=AliasChoices("org", "org_id"))
    sub: str | None


class DocumentPublic(Public):
    id: str
    kind: str
    filename: str
    size: int
    created_at: datetime
    step_key: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        """Where the document is downloaded."""
        return f"/api/documents/{self.id}"


class PiecePublic(Public):
    id: str
    procedure_id: str
    title: str
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    created_by: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        """Where the exhibit is downloaded."""
        return f"/api/pieces/{self.id}"


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
            "title": procedure.title,
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
            title=other.title,
            status=other.status,
        )


class MilestonePublic(BaseModel):
    key: str
    label: str
    date: date
    explanation: str = ""
    legal_basis: str = ""


class ProcedurePublic(ProcedureSummary):
    facts: dict[str, Any]
    steps: list[StepPublic]
    events: list[EventPublic]
    documents: list[DocumentPublic]
    links: list[LinkPublic]
    suggestions: list[str]  # kinds of procedure suggested (e.g. "resiliation")
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
            events=[EventPublic.model_validate(e) for e in record.events],
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


# The ground of the résiliation, from the category of the offence judged.
MOTIF_OF_CATEGORY = {
    "trafic_stupefiants": MotifResiliation.TRAFIC_STUPEFIANTS,
    "agression_personnel": MotifResiliation.AGRESSION_PERSONNEL,
}


class ResiliationFromPlainte(Strict):
    """The body of POST /api/procedures/{plainte_id}/resiliation: what the plainte lacks."""

    logement_reference: str = Field(min_length=1, max_length=100)
    bail: Bail
    impayes: bool = False

    def facts_for(self, plainte_id: str, plainte: PlainteFacts) -> ResiliationFacts:
        """The résiliation's start body, pre-filled from the plainte (its residence, the tenants
        among the persons implicated, the ground) and linked to it."""
        motif = MOTIF_OF_CATEGORY.get(
            plainte.faits.categorie.value, MotifResiliation.TROUBLES_JOUISSANCE
        )
        return ResiliationFacts(
            kind="resiliation",
            logement=Logement(residence=plainte.residence, reference=self.logement_reference),
            bail=self.bail,
            locataires=[
                Personne(nom=m.nom, prenom=m.prenom) for m in plainte.mis_en_cause if m.locataire
            ],
            motifs=[motif],
            impayes=self.impayes,
            origine=OrigineResiliation.BAILLEUR,
            liens=[Lien(procedure_id=plainte_id)],
        )


class ProcedurePage(BaseModel):
    items: list[ProcedureSummary]
    total: int
    page: int
    per_page: int


class TaskPublic(BaseModel):
    procedure_id: str
    key: str
    seq: int
    label: str
    actor: str
    org: str
    kind: str
    commune: CommunePublic
    bailleur: OrganisationRef
    residence_nom: str
    title: str
    opened_at: datetime
    opened_on: date
    age_days: int
    due: date | None
    due_explanation: str
    overdue: bool
    legal_basis: str
    assignee_sub: str | None = None

    @classmethod
    def of(cls, row: TaskRow, today: date) -> TaskPublic:
        """An inbox line; its age counts from the legal opening date."""
        step, procedure = row.step, row.procedure
        return cls(
            procedure_id=procedure.id,
            key=step.key,
            seq=step.seq,
            label=step.label,
            actor=step.actor,
            org=step.org_id,
            kind=procedure.kind,
            commune=CommunePublic(insee=procedure.commune_insee, name=row.commune_name),
            bailleur=OrganisationRef(id=procedure.bailleur_id, name=row.bailleur_name),
            residence_nom=procedure.residence_nom,
            title=procedure.title,
            opened_at=step.opened_at,
            opened_on=step.opened_on,
            age_days=(today - step.opened_on).days,
            due=step.due,
            due_explanation=step.due_explanation,
            overdue=step.overdue,
            legal_basis=step.legal_basis,
            assignee_sub=step.assignee_sub,
        )


class TaskCountsPublic(Public):
    by_step: dict[str, int]  # step key -> pending steps
    by_kind: dict[str, int]  # procedure kind -> pending steps
    overdue: int


class TaskList(BaseModel):
    items: list[TaskPublic]
    total: int  # every step of the filtered inbox, not only this page's
    page: int
    per_page: int
    counts: TaskCountsPublic

    @classmethod
    def of(
        cls, rows: list[TaskRow], counts: TaskCounts, today: date, page: int, per_page: int
    ) -> TaskList:
        """One page of an inbox with the counts of the whole inbox."""
        return cls(
            items=[TaskPublic.of(row, today) for row in rows],
            total=counts.total,
            page=page,
            per_page=per_page,
            counts=TaskCountsPublic.model_validate(counts),
        )


class MovedStep(BaseModel):
    procedure_id: str
    key: str


class ReassignResult(BaseModel):
    moved: list[MovedStep]
    count: int


class CountPublic(Public):
    key: str  # an actor kind, or an organisation id
    name: str
    pending: int
    overdue: int


class StepDurationPublic(Public):
    kind: str
    key: str
    label: str
    median_days: float
    count: int


class DashboardPublic(BaseModel):
    org: OrganisationRef
    pending: int
    overdue: int
    by_actor: list[CountPublic]
    by_organisation: list[CountPublic]
    oldest_overdue: list[TaskPublic]
    median_days: list[StepDurationPublic]

    @classmethod
    def of(cls, org: OrganisationRef, figures: DashboardFigures, today: date) -> DashboardPublic:
        """The dashboard of an organisation from its figures."""
        return cls(
            org=org,
            pending=figures.pending,
            overdue=figures.overdue,
            by_actor=[CountPublic.model_validate(c) for c in figures.by_actor],
            by_organisation=[CountPublic.model_validate(c) for c in figures.by_organisation],
            oldest_overdue=[TaskPublic.of(row, today) for row in figures.oldest_overdue],
            median_days=[StepDurationPublic.model_validate(d) for d in figures.durations],
        )


class ShiftPublic(Public):
    from_date: date
    to_date: date
    reason: str


class DeadlinePublic(Public):
    start: date
    due: date
    nominal: date
    explanation: str
    legal_basis: str
    shifts: list[ShiftPublic]


class ExpulsionPublic(BaseModel):
    not_before: date
    earliest: date
    explanation: str
    legal_basis: str
    shifts: list[ShiftPublic]

    @classmethod
    def of(cls, deadline: Deadline) -> ExpulsionPublic:
        """The earliest expulsion date and its shifts."""
        return cls(
            not_before=deadline.start,
            earliest=deadline.due,
            explanation=deadline.explanation,
            legal_basis=deadline.legal_basis,
            shifts=[ShiftPublic.model_validate(s) for s in deadline.shifts],
        )


class HealthPublic(BaseModel):
    api: str
    read_model: str
    temporal: str
