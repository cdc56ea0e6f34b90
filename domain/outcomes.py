"""Data that outcomes of several kinds carry alike: a reason, a hearing date, an adjournment."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from domain.steps import OutcomeData


class Motif(OutcomeData):
    """The reason given with a refusal, a classement or an action not carried out."""

    motif: str = Field(min_length=1, max_length=2_000, title="Motif")


class Audience(OutcomeData):
    """The hearing date a court seizure or the poursuites fix."""

    audience: date = Field(title="Date d'audience")


class Renvoi(OutcomeData):
    """The new date of an adjourned hearing."""

    nouvelle_audience: date = Field(title="Nouvelle date d'audience")
