"""The table of the filters people save on the list pages (store.saved_filters)."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.columns import timestamp_column


class SavedFilter(SQLModel, table=True):
    """A list page's query string saved under a name by one person of one organisation."""

    __tablename__ = "saved_filter"
    __table_args__ = (
        UniqueConstraint("org_id", "user_sub", "page", "name", name="uq_saved_filter_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: str
    user_sub: str = Field(max_length=200)
    page: str  # "procedures" or "corbeille"
    name: str = Field(max_length=80)
    query: str = Field(max_length=2000)  # the query string, without its "?"
    created_at: datetime = Field(sa_column=timestamp_column())
