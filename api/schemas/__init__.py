"""Response models of the API and their construction from the read model, one module per
resource; every model is importable from `api.schemas`."""

from api.schemas.base import Public
from api.schemas.conventions import ConventionPublic
from api.schemas.dashboard import CountPublic, DashboardPublic, StepDurationPublic
from api.schemas.deadlines import DeadlinePublic, ExpulsionPublic, ShiftPublic
from api.schemas.documents import DocumentPublic, PiecePublic
from api.schemas.health import HealthPublic
from api.schemas.organisations import CommunePublic, OrganisationPublic, OrganisationRef
from api.schemas.procedures import (
    LinkPublic,
    MilestonePublic,
    ProcedurePage,
    ProcedurePublic,
    ProcedureSummary,
)
from api.schemas.resiliation import MOTIF_OF_CATEGORY, ResiliationFromPlainte
from api.schemas.steps import EventPublic, OutcomePublic, StepPublic
from api.schemas.tasks import MovedStep, ReassignResult, TaskCountsPublic, TaskList, TaskPublic

__all__ = [
    "MOTIF_OF_CATEGORY",
    "CommunePublic",
    "ConventionPublic",
    "CountPublic",
    "DashboardPublic",
    "DeadlinePublic",
    "DocumentPublic",
    "EventPublic",
    "ExpulsionPublic",
    "HealthPublic",
    "LinkPublic",
    "MilestonePublic",
    "MovedStep",
    "OrganisationPublic",
    "OrganisationRef",
    "OutcomePublic",
    "PiecePublic",
    "ProcedurePage",
    "ProcedurePublic",
    "ProcedureSummary",
    "Public",
    "ReassignResult",
    "ResiliationFromPlainte",
    "ShiftPublic",
    "StepDurationPublic",
    "StepPublic",
    "TaskCountsPublic",
    "TaskList",
    "TaskPublic",
]
