"""The dashboard of an organisation's managers."""

from fastapi import APIRouter

from api.deps import DepartementDep, ManagerDep, ScopeDep, SessionDep, SettingsDep
from api.schemas import ConventionPublic, DashboardPublic, OrganisationRef
from domain.actors import Actor
from quietude.conventions import departements_in_view, in_view, load_conventions
from quietude.procedures import today_in_paris
from store.dashboard import dashboard
from store.queries import organisation_names

router = APIRouter(prefix="/dashboard", tags=["tableau de bord"])


@router.get("", response_model=DashboardPublic)
def read_dashboard(
    session: SessionDep,
    settings: SettingsDep,
    caller: ManagerDep,
    scope: ScopeDep,
    departement: DepartementDep = None,
) -> DashboardPublic:
    """Étapes en attente et en retard par acteur et organisation (d'un département si
    `departement` est donné), durées médianes, convention appliquée (responsables)."""
    labels = {actor.value: actor.label for actor in Actor}
    figures = dashboard(session, scope, labels, departement=departement)
    name = organisation_names(session, {caller.org}).get(caller.org)
    departements = departements_in_view(session, departement=departement, scope=scope)
    shown = in_view(load_conventions(settings.conventions_file), departements)
    return DashboardPublic.of(
        OrganisationRef(id=caller.org, name=name),
        figures,
        today_in_paris(),
        ConventionPublic.of(shown),
    )
