"""Workflow inputs and outputs, update payloads and activity payloads (one model per call)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from domain.calendar import Deadline, DeadlineRule, TreveHivernale
from domain.labels import Labelled
from domain.steps import StepState


class ProcedureStatus(Labelled):
    OPEN = "open", "En cours"
    CLOSED = "closed", "Close"
    CANCELLED = "cancelled", "Retirée"


class ConventionRef(BaseModel):
    """The convention a procedure's targets come from: its title and the day it was signed."""

    title: str
    signed_on: date


class Policy(BaseModel):
    """Convention settings frozen into a procedure when it starts (replay-stable)."""

    sla: dict[str, DeadlineRule] = Field(default_factory=dict)
    reminder_working_days: int = 2
    treve: TreveHivernale = TreveHivernale()
    renewal_lead_months: int = 4  # an agrément's renewal opens this long before it ends
    evaluation_delay_months: int = 3  # a joint intervention is evaluated this long after
    # Where the targets come from; procedures started before conventions were data have none.
    departement: str | None = None
    convention: ConventionRef | None = None
    # No convention signed in the département: every target is a default, marked as such.
    default_targets: bool = False


class ImportedStep(BaseModel):
    """A step already done before the dossier was imported."""

    key: str
    on: date | None  # None: "date inconnue" (never used in a computation)
    outcome: str
    data: dict[str, Any] = Field(default_factory=dict)
    # A step of unknown date was done at the latest on this day (the next act's): only the
    # flow's order rests on it.
    by: date | None = None


class ProcedureStart(BaseModel):
    """Input of every procedure workflow."""

    procedure_id: str
    kind: str
    bailleur_id: str
    created_by: str
    created_at: datetime
    created_on: date
    commune_insee: str
    residence_nom: str = ""
    title: str = ""
    orgs: dict[str, str]  # actor -> organisation id competent for this dossier
    facts: dict[str, Any]
    imported: list[ImportedStep] = Field(default_factory=list)
    etape: str | None = None  # current step of an imported dossier
    links: list[Link] = Field(default_factory=list)
    # Facts resolved when the procedure starts (e.g. the route of a PV's sworn agent).
    resolved: dict[str, str] = Field(default_factory=dict)
    policy: Policy = Policy()


class EventRecord(BaseModel):
    """One line of the timeline: who did what, when."""

    seq: int
    at: datetime
    type: str
    message: str
    step_key: str | None = None
    org: str | None = None
    sub: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class CompleteStep(BaseModel):
    """A person completes a pending step (workflow update)."""

    key: str
    outcome: str
    on: date
    data: dict[str, Any] = Field(default_factory=dict)
    comment: str | None = None
    org: str
    sub: str


class CancelProcedure(BaseModel):
    """The bailleur withdraws the procedure (workflow update)."""

    reason: str
    org: str
    sub: str


class SyncRequest(BaseModel):
    """Waits until the workflow is settled and projected (workflow update)."""


class Milestone(BaseModel):
    """A legal date shown on the procedure (end of the appeal delay, CPP 85…)."""

    key: str
    label: str
    date: date
    explanation: str = ""
    legal_basis: str = ""


class Declaration(BaseModel):
    """An event declared at any step: voluntary departure, withdrawal, appeal, délais granted
    (workflow update); `data` is what its declaration's model carries."""

    key: str
    on: date
    comment: str | None = None
    org: str
    sub: str
    data: dict[str, Any] = Field(default_factory=dict)


class PolicyRevision(BaseModel):
    """A change of the convention's policy delivered to running procedures (workflow update):
    the trêve hivernale with the end of a winter moved by a text."""

    treve: TreveHivernale
    reason: str  # what moved it, said on the timeline ("loi n° … du …")
    sub: str


class Assignment(BaseModel):
    """A manager assigns a pending step to a person of its organisation (workflow update)."""

    key: str
    assignee_sub: str
    org: str
    sub: str
    role: str


class Link(BaseModel):
    """Another procedure this one is linked to (visible on both sides)."""

    procedure_id: str
    kind: str  # the other procedure's kind
    relation: str = "lien"  # e.g. "origine" (the other led to this one), "suite"


class Propagation(BaseModel):
    """A completion to repeat in the linked procedures (the same decision, entered once)."""

    source_id: str
    targets: list[str]
    command: CompleteStep


class ProcedureView(BaseModel):
    """The whole state of a procedure (query and update result)."""

    procedure_id: str
    kind: str
    status: ProcedureStatus
    bailleur_id: str
    commune_insee: str
    orgs: dict[str, str]
    steps: list[StepState]
    events: list[EventRecord]
    suggestions: list[str] = Field(default_factory=list)
    closed_at: datetime | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)


class ProcedureSnapshot(BaseModel):
    """What the projection activity writes to the read model."""

    procedure_id: str
    kind: str
    status: ProcedureStatus
    bailleur_id: str
    commune_insee: str
    residence_nom: str
    title: str
    facts: dict[str, Any]
    created_at: datetime
    closed_at: datetime | None = None
    steps: list[StepState]
    events: list[EventRecord]  # only those not yet projected; the projection is idempotent anyway
    suggestions: list[str] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)


class DeadlineRequest(BaseModel):
    """Input of the local activity that fixes a step's due date (recorded in history)."""

    start: date
    rule: DeadlineRule | None = None
    fixed: date | None = None  # a date set by an earlier act (appointment, hearing)
    fixed_label: str = ""
    reminder_working_days: int = 2


class DeadlineResult(BaseModel):
    """A due date, the instant it passes (24:00 Europe/Paris) and when to remind."""

    due: date
    day_starts_at: datetime  # 00:00 Europe/Paris on the due date
    due_at: datetime
    remind_at: datetime | None
    explanation: str
    legal_basis: str
    deadline: Deadline | None = None


class ExpulsionRequest(BaseModel):
    """Input of the local activity that fixes the earliest legal expulsion date."""

    not_before: date
    # Why not before then (the end of the délais granted…), first in the explanation.
    not_before_reason: str = ""
    concours_le: date | None = None
    treve: TreveHivernale = TreveHivernale()
    exception: bool = False


class NotificationKind(StrEnum):
    RAPPEL = "rappel"
    ESCALADE = "escalade"


class Notification(BaseModel):
    """A reminder to an assignee or an escalation to its managers."""

    id: str  # deterministic: a retry sends nothing twice
    kind: NotificationKind
    procedure_id: str
    step_key: str
    org_id: str
    subject: str
    body: str


class DocumentRequest(BaseModel):
    """Input of the render_document activity: which document, for which procedure, with what."""

    procedure_id: str
    kind: str  # the template's name without ".docx", e.g. "fiche_signalement"
    step_key: str | None = None
    context: dict[str, Any] = Field(default_factory=dict)  # JSON values; dates as ISO strings
    # Context keys whose value the activity resolves to organisation names (ids here).
    org_refs: dict[str, str | list[str]] = Field(default_factory=dict)
    commune_insee: str | None = None  # resolved to the commune's name as context["commune"]


class DocumentRef(BaseModel):
    """A generated document as recorded in the read model."""

    id: str
    filename: str
    sha256: str
    size: int


class IndicatorRequest(BaseModel):
    """A territory and two periods, to compare what happened before and after an action."""

    commune_insee: str
    residence_nom: str
    before_from: date
    before_to: date  # exclusive
    after_from: date
    after_to: date  # exclusive


class IndicatorResult(BaseModel):
    """Counts of signalements and plaintes by category, before and after."""

    before: dict[str, int]
    after: dict[str, int]
