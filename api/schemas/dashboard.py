"""Response models of an organisation's dashboard."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from api.schemas.base import Public
from api.schemas.conventions import ConventionPublic
from api.schemas.organisations import OrganisationRef
from api.schemas.tasks import TaskPublic
from store.dashboard import DashboardFigures


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
    # The convention whose targets the due dates follow (None when several départements are
    # in view).
    convention: ConventionPublic | None = None

    @classmethod
    def of(
        cls,
        org: OrganisationRef,
        figures: DashboardFigures,
        today: date,
        convention: ConventionPublic | None = None,
    ) -> DashboardPublic:
        """The dashboard of an organisation from its figures."""
        return cls(
            org=org,
            convention=convention,
            pending=figures.pending,
            overdue=figures.overdue,
            by_actor=[CountPublic.model_validate(c) for c in figures.by_actor],
            by_organisation=[CountPublic.model_validate(c) for c in figures.by_organisation],
            oldest_overdue=[TaskPublic.of(row, today) for row in figures.oldest_overdue],
            median_days=[StepDurationPublic.model_validate(d) for d in figures.durations],
        )
