"""Tables of the read model: organisations, communes and the projection of procedures."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.columns import timestamp_column

# The dashboard's duration counts, registered with the other tables (store.durations).
from store.duration_tables import DurationLedger as DurationLedger
from store.duration_tables import StepDurationCount as StepDurationCount
from store.read_indexes import (
    BAILLEUR_LIST_INDEX,
    BAILLEUR_PENDING_INDEX,
    INBOX_INCLUDE,
    INBOX_INDEX,
    OPEN_ORG_INDEX,
    OVERDUE_INDEX,
    PENDING_INCLUDE,
    open_only,
    pending_in_open,
    pending_only,
)

# The filters people save on the list pages (store.saved_filters).
from store.saved_filter_table import SavedFilter as SavedFilter


class Organisation(SQLModel, table=True):
    """A party to the convention: bailleur, police, gendarmerie, parquet, préfecture, juge…"""

    __tablename__ = "organisation"

    id: str = Field(primary_key=True)  # readable slug, e.g. "police-evry-corbeil"
    kind: str = Field(index=True)  # an OrgKind value
    name: str
    territory: str  # communes covered, or the département's name
    email: str
    managers_email: str
    demo: bool = False
    departement: str | None = Field(default=None, index=True)  # None: not tied to one


class Commune(SQLModel, table=True):
    """A commune (or arrondissement municipal) a dossier can be routed for: the units, courts
    and préfecture competent for it (store.reference)."""

    __tablename__ = "commune"

    insee: str = Field(primary_key=True)
    name: str
    # domain.labels.collation_key of the name, what the lists sort by in SQL: byte order would
    # put "Évry" after "Wissous" (SQLite, and PostgreSQL under the "C" collation).
    sort_key: str
    postal_codes: str  # several codes separated by ";"
    population: int
    arrondissement_code: str
    arrondissement: str
    force_kind: str  # "police" or "gendarmerie"
    forces_org_id: str = Field(index=True)
    tribunal_proximite: str | None = None  # None: the TJ's own ressort
    departement: str = Field(default="", index=True)  # domain.territory.departement_of
    tribunal_judiciaire: str = ""  # the seat, e.g. "Évry-Courcouronnes"
    parquet_org_id: str = ""
    juge_org_id: str = ""
    prefet_org_id: str = ""  # who grants the concours de la force publique (data, per département)


class CommuneGap(SQLModel, table=True):
    """A commune of the reference data no dossier can be routed for yet, and what is missing:
    no competent unit in the sources, or a city whose arrondissement must be given instead."""

    __tablename__ = "commune_gap"

    insee: str = Field(primary_key=True)
    name: str
    departement: str
    missing: str  # in French, told to the user who starts a dossier there


class Residence(SQLModel, table=True):
    """A residence managed by a bailleur."""

    __tablename__ = "residence"

    id: str = Field(primary_key=True)
    bailleur_id: str = Field(index=True)
    nom: str
    adresse: str
    commune_insee: str


# The columns of ix_procedure_diagnostics, the period first.
DIAGNOSTIC_INDEX = (
    "facts_at",
    "kind",
    "status",
    "commune_insee",
    "bailleur_id",
    "residence_nom",
    "batiment",
    "hall",
    "categorie",
    "trafic",
    "facts_hour",
    "facts_weekday",
)


class Procedure(SQLModel, table=True):
    """One dossier as projected from its workflow, shaped for lists and filters."""

    __tablename__ = "procedure"
    __table_args__ = (
        Index("ix_procedure_commune_facts_at", "commune_insee", "facts_at"),
        Index("ix_procedure_kind_facts_at", "kind", "facts_at"),
        # Every column the diagnostics read of the procedures of a period: they are answered
        # from the index alone (store.diagnostics).
        Index("ix_procedure_diagnostics", *DIAGNOSTIC_INDEX),
        # A bailleur's list in its order, and its open procedures for the dashboard (0008).
        Index(*BAILLEUR_LIST_INDEX, postgresql_include=["kind", "overdue"]),
        # A bailleur's procedures in the list's order, whatever their status: walked by a search
        # that finds more than store.search.COUNT_CAP (0014).
        Index("ix_procedure_bailleur_due", "bailleur_id", "next_due", "id"),
    )

    id: str = Field(primary_key=True)  # also the workflow id, e.g. "signalement-2026-000001"
    kind: str = Field(index=True)
    status: str = Field(default="open", index=True)  # "open", "closed", "cancelled"
    bailleur_id: str = Field(index=True)
    commune_insee: str = Field(index=True)
    residence_nom: str = ""
    title: str = ""  # short summary without any personal name
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=timestamp_column())
    updated_at: datetime = Field(sa_column=timestamp_column())
    closed_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    next_due: date | None = Field(default=None, index=True)
    overdue: bool = Field(default=False, index=True)
    pending_actors: str = ""  # space-separated actor kinds
    # The normalized texts searched by `q`, one per visibility tier (store.search): what a
    # bailleur's agent, a partner, the bailleur's legal team may read of the procedure.
    search_text: str = ""
    search_shared: str = ""
    search_full: str = ""
    links: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    milestones: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    workflow_run_id: str | None = None
    # Set by `quietude purge` once the retention period is over: no personal data left.
    anonymised_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    # Copied from the facts by the projection (store.diagnostic_columns) for the diagnostics.
    facts_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    categorie: str | None = None
    batiment: str | None = None
    hall: str | None = None
    trafic: bool = False
    facts_hour: int | None = None  # Paris hour of facts_at
    facts_weekday: int | None = None  # Paris weekday of facts_at, 0 = Monday


class Step(SQLModel, table=True):
    """One occurrence of a step of a procedure; a step reopened gets a new sequence number."""

    __tablename__ = "step"
    # In the inbox's order, so that one page of an organisation's pending steps is read alone.
    __table_args__ = (
        Index(*INBOX_INDEX, postgresql_include=INBOX_INCLUDE, **pending_only()),
        Index(
            "ix_step_pending", "procedure_id", postgresql_include=PENDING_INCLUDE, **pending_only()
        ),
        Index(*OVERDUE_INDEX, **pending_only("AND overdue")),
        Index(*OPEN_ORG_INDEX, **open_only()),
        Index(*BAILLEUR_PENDING_INDEX, **pending_in_open()),
        Index("ix_step_facts_at", "facts_at"),
        Index("ix_step_commune_facts_at", "commune_insee", "facts_at"),
    )

    id: str = Field(primary_key=True)  # f"{procedure_id}:{key}:{seq}"
    procedure_id: str = Field(index=True)
    key: str
    seq: int = 1
    position: int = 0  # its rank in the order the procedure's steps opened
    label: str
    actor: str
    org_id: str = Field(index=True)
    assignee_sub: str | None = None
    status: str = Field(default="pending", index=True)  # "pending", "done", "cancelled", "skipped"
    opened_at: datetime = Field(sa_column=timestamp_column())
    opened_on: date  # the legal date the step's delay runs from
    due: date | None = Field(default=None, index=True)
    due_explanation: str = ""
    overdue: bool = False
    outcome: str | None = None
    implicite: bool = False  # outcome given by the law to silence
    completed_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    completed_on: date | None = None  # legal date entered by the user
    completed_by: str | None = None
    completed_by_org: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    comment: str | None = None
    legal_basis: str = ""
    # Copied from the procedure by the projection (store.diagnostic_columns.STEP_COPIES), so
    # that the diagnostics count response times without joining steps to procedures.
    facts_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    commune_insee: str | None = None
    procedure_kind: str | None = None
    procedure_status: str | None = None
    bailleur_id: str | None = None  # the procedure's bailleur (its dashboard's counts)


class Event(SQLModel, table=True):
    """An entry of a procedure's timeline."""

    __tablename__ = "event"

    procedure_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    at: datetime = Field(sa_column=timestamp_column())
    type: str  # "procedure_started", "step_opened", "step_completed", "step_overdue", …
    step_key: str | None = None
    org_id: str | None = None
    sub: str | None = None
    message: str  # in French, shown as is
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Document(SQLModel, table=True):
    """A generated document stored on disk."""

    __tablename__ = "document"

    id: str = Field(primary_key=True)
    procedure_id: str = Field(index=True)
    kind: str
    filename: str
    sha256: str
    path: str
    size: int
    created_at: datetime = Field(sa_column=timestamp_column())
    step_key: str | None = None


class Piece(SQLModel, table=True):
    """An exhibit ("pièce") of a procedure's file, uploaded by its bailleur and stored on disk."""

    __tablename__ = "piece"
    # The same file given twice to one procedure is one exhibit.
    __table_args__ = (UniqueConstraint("procedure_id", "sha256", name="uq_piece_procedure_sha256"),)

    id: str = Field(primary_key=True)
    procedure_id: str = Field(index=True)
    title: str
    kind: str  # a PieceKind value
    filename: str
    content_type: str
    size: int
    sha256: str
    path: str
    created_at: datetime = Field(sa_column=timestamp_column())
    created_by: str
    org_id: str


class Notification(SQLModel, table=True):
    """A reminder or escalation; its deterministic id keeps it from being sent twice."""

    __tablename__ = "notification"

    id: str = Field(primary_key=True)
    procedure_id: str = Field(index=True)
    step_key: str
    kind: str  # "rappel" or "escalade"
    recipients: str
    subject: str
    sent_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    transport: str  # "smtp" or "eml"
    path: str | None = None


class IdCounter(SQLModel, table=True):
    """Last number given to a procedure of a kind in a year."""

    __tablename__ = "id_counter"

    kind: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    value: int = 0


class AccessEntry(SQLModel, table=True):
    """One entry of the access log, chained to the previous one by its hash (append-only)."""

    __tablename__ = "access_entry"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_column=timestamp_column(index=True))
    sub: str
    org: str = Field(index=True)
    role: str
    action: str  # "lecture", "telechargement", "etape_accomplie", "purge", …
    procedure_id: str | None = Field(default=None, index=True)
    target: str | None = None  # a document, an exhibit, a step key
    detail: str = ""  # never a personal name
    prev_hash: str
    hash: str


class IdempotencyKey(SQLModel, table=True):
    """A completion request as first received under its key, for one caller organisation."""

    __tablename__ = "idempotency_key"

    org_id: str = Field(primary_key=True)
    key: str = Field(primary_key=True, max_length=200)
    request_hash: str
    created_at: datetime = Field(sa_column=timestamp_column())


class TreveEnd(SQLModel, table=True):
    """The end of one winter's trêve hivernale moved by a text (CPCE L. 412-6); a year without
    a row ends on the law's 31 March."""

    __tablename__ = "treve_end"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    ends_on: date
    reason: str = ""  # the text that moved it ("ordonnance n° …"), said on the timelines
    changed_by: str
    changed_at: datetime = Field(sa_column=timestamp_column())
