"""Response models of generated documents and exhibits (pièces)."""

from datetime import datetime

from pydantic import computed_field

from api.schemas.base import Public


class DocumentPublic(Public):
    id: str
    kind: str
    filename: str
    size: int
    created_at: datetime
    step_key: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        """Where the document is downloaded."""
        return f"/api/documents/{self.id}"


class PiecePublic(Public):
    id: str
    procedure_id: str
    title: str
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    created_by: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        """Where the exhibit is downloaded."""
        return f"/api/pieces/{self.id}"
