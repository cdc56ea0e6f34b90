"""Column types shared by the read model tables."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC, read back aware on every backend."""

    # SQLite keeps no offset: without this, aware values would come back naive there only.
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive timestamps and store the others in UTC."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused by the read model: {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the stored timestamp as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def timestamp_column(*, nullable: bool = False, index: bool = False) -> Any:
    """A fresh UTC timestamp column (SQLModel needs one Column object per field)."""
    return Column(UtcDateTime(), nullable=nullable, index=index)
