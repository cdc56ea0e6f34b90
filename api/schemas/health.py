"""Response model of the health check."""

from pydantic import BaseModel


class HealthPublic(BaseModel):
    api: str
    read_model: str
    temporal: str
