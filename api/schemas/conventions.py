"""Which convention applies to what a dashboard or a diagnostic shows."""

from __future__ import annotations

import datetime

from pydantic import BaseModel, Field

from quietude.conventions import ConventionInView


class ConventionPublic(BaseModel):
    """The convention of the département in view; `title` and `date` are null where none is
    signed (the targets are then defaults, as `label` says)."""

    departement: str
    title: str | None = None
    date: datetime.date | None = Field(default=None, description="date de signature")
    label: str = Field(description="« <titre> du <date> », ou « aucune convention signée … »")

    @classmethod
    def of(cls, shown: list[ConventionInView]) -> ConventionPublic | None:
        """The convention of the one département in view (None when several are)."""
        if len(shown) != 1:
            return None
        only = shown[0]
        return cls(
            departement=only.departement, title=only.title, date=only.signed_on, label=only.wording
        )
