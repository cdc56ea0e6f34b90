"""Response models of the API and their construction from the read model."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, computed_field

from domain.calendar import Deadline
from domain.steps import Catalog, StepStatus
from store.queries import DashboardFigures, ProcedureRecord, ProcedureRow, TaskRow
from store.tables import Procedure, Step
from store.visibility import facts_for


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


class ProcedurePublic(ProcedureSummary):
    facts: dict[str, Any]
    steps: list[StepPublic]
    events: list[EventPublic]
    documents: list[DocumentPublic]
    links: list[Any]

    @classmethod
    def of_record(
        cls, record: ProcedureRecord, org_kind: str | None, catalog: Catalog | None
    ) -> ProcedurePublic:
        """The detail of a procedure, its facts reduced to what `org_kind` may read."""
        procedure = record.procedure
        return cls(
            **cls.fields_of(procedure, record.commune_name, record.bailleur_name),
            facts=facts_for(org_kind, procedure.facts),
            steps=[StepPublic.of(s, record.org_names, catalog) for s in record.steps],
            events=[EventPublic.model_validate(e) for e in record.events],
            documents=[DocumentPublic.model_validate(d) for d in record.documents],
            links=procedure.links,
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
        )


class TaskList(BaseModel):
    items: list[TaskPublic]
    total: int


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
