"""The dashboard of an organisation's managers."""

from fastapi import APIRouter

from api.deps import ManagerDep, ScopeDep, SessionDep
from api.schemas import DashboardPublic, OrganisationRef
from domain.actors import Actor
from quietude.procedures import today_in_paris
from store.queries import dashboard, organisation_names

router = APIRouter(prefix="/dashboard", tags=["tableau de bord"])


@router.get("", response_model=DashboardPublic)
def read_dashboard(session: SessionDep, caller: ManagerDep, scope: ScopeDep) -> DashboardPublic:
    """Étapes en attente et en retard par acteur et organisation, durées médianes (responsables)."""
    figures = dashboard(session, scope, {actor.value: actor.label for actor in Actor})
    name = organisation_names(session, {caller.org}).get(caller.org)
    return DashboardPublic.of(OrganisationRef(id=caller.org, name=name), figures, today_in_paris())
