"""Response models of the inbox (pending steps) and of reassignments."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from api.schemas.base import Public
from api.schemas.organisations import CommunePublic, OrganisationRef
from domain.procedures import readable_title
from store.queries import TaskCounts, TaskRow


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
            title=readable_title(procedure.title),
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
