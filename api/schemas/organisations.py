"""Response models of organisations and communes."""

from pydantic import BaseModel

from api.schemas.base import Public


class OrganisationPublic(Public):
    id: str
    kind: str
    name: str
    territory: str


class OrganisationRef(BaseModel):
    id: str
    name: str | None = None


class CommunePublic(BaseModel):
    insee: str
    name: str | None = None
