"""Response models of legal deadlines and of the earliest expulsion date."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from api.schemas.base import Public
from domain.calendar import Deadline


class ShiftPublic(Public):
    from_date: date
    to_date: date
    reason: str


class DeadlinePublic(Public):
    start: date
    due: date
    nominal: date
    explanation: str
    legal_basis: str
    shifts: list[ShiftPublic]


class ExpulsionPublic(BaseModel):
    not_before: date
    earliest: date
    explanation: str
    legal_basis: str
    shifts: list[ShiftPublic]

    @classmethod
    def of(cls, deadline: Deadline) -> ExpulsionPublic:
        """The earliest expulsion date and its shifts."""
        return cls(
            not_before=deadline.start,
            earliest=deadline.due,
            explanation=deadline.explanation,
            legal_basis=deadline.legal_basis,
            shifts=[ShiftPublic.model_validate(s) for s in deadline.shifts],
        )
