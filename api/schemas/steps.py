"""Response models of a procedure's steps and events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, Field

from api.schemas.base import Public
from domain.documents import told_message
from domain.steps import Catalog, StepStatus
from store.tables import Event, Step


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

    @classmethod
    def of(cls, event: Event) -> EventPublic:
        """An entry of the timeline; a document named by what it is, not by its file name."""
        message = told_message(event.type, event.message, event.data or {})
        return cls.model_validate(event).model_copy(update={"message": message})
