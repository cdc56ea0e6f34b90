"""Organisations of the convention."""

from fastapi import APIRouter

from api.deps import CallerDep, SessionDep
from api.schemas import OrganisationPublic
from store.reference import list_organisations

router = APIRouter(prefix="/organisations", tags=["organisations"])


@router.get("", response_model=list[OrganisationPublic])
def read_organisations(session: SessionDep, caller: CallerDep) -> list[OrganisationPublic]:
    """Liste des organisations de la convention : identifiant, type, nom, territoire."""
    return [OrganisationPublic.model_validate(org) for org in list_organisations(session)]
