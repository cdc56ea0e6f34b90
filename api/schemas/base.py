"""The base of the response models."""

from pydantic import BaseModel, ConfigDict


class Public(BaseModel):
    """A response model that reads the attributes of rows and records."""

    model_config = ConfigDict(from_attributes=True)
