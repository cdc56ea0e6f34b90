"""Tables of the dashboard's step duration counts (kept by store.durations)."""

from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from store.read_indexes import DURATION_INDEX


class StepDurationCount(SQLModel, table=True):
    """How many completed steps of one key took `days` days, in the procedures an organisation
    sees in one role (store.durations); the dashboard's medians are read from these counts."""

    __tablename__ = "step_duration_count"
    # One organisation's counts in the order they are read, from the index alone.
    __table_args__ = (Index(*DURATION_INDEX, postgresql_include=["steps", "label"]),)

    org_id: str = Field(primary_key=True)
    role: str = Field(primary_key=True)  # "bailleur" or "partenaire"
    kind: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    days: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    steps: int = 0
    label: str


class DurationLedger(SQLModel, table=True):
    """What one procedure's completed steps last added to `step_duration_count`."""

    __tablename__ = "duration_ledger"

    procedure_id: str = Field(primary_key=True)
    kind: str
    viewers: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    durations: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
