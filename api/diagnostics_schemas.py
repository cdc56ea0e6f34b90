"""What `GET /api/diagnostics` answers: aggregates only, small counts suppressed for partners."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.conventions import ConventionPublic
from store.diagnostic_figures import Diagnostics, HallLevel


class FigurePublic(BaseModel):
    """A count; `valeur` is null and `supprime` true when it is too small to be shared."""

    model_config = ConfigDict(from_attributes=True)

    valeur: int | None = Field(validation_alias="value")
    supprime: bool


class OutcomeCountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    step_key: str
    outcome: str
    count: FigurePublic


class ResponseTimePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    actor: str
    step_key: str
    label: str
    steps: FigurePublic
    completed: int | None
    median_days: float | None
    p90_days: float | None
    overdue_share: float | None
    supprime: bool


class HallPublic(BaseModel):
    residence: str
    commune_insee: str
    batiment: str
    hall: str
    count: FigurePublic
    level: int | None
    level_label: str | None

    @classmethod
    def of(cls, hall: HallLevel) -> HallPublic:
        """The public form of a graded hall."""
        return cls(
            residence=hall.residence,
            commune_insee=hall.commune_insee,
            batiment=hall.batiment,
            hall=hall.hall,
            count=FigurePublic.model_validate(hall.count),
            level=hall.level,
            level_label=hall.level_label,
        )


class TrendPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    current: FigurePublic
    previous: FigurePublic
    evolution: float | None = Field(description="variation relative (0.25 = +25 %)")


class PeriodPublic(BaseModel):
    start: date
    end: date


class TerritoryPublic(BaseModel):
    departement: str | None = None
    arrondissement: str | None = None
    commune: str | None = None
    unite: str | None = None
    residence: str | None = None
    batiment: str | None = None
    hall: str | None = None


class DiagnosticsPublic(BaseModel):
    """Local indicators of a territory over a period, and the previous period's for the trend."""

    territory: TerritoryPublic
    period: PeriodPublic
    previous_period: PeriodPublic
    exact: bool = Field(description="vrai pour le bailleur sur ses propres dossiers")
    suppression_threshold: int
    totals: dict[str, FigurePublic]
    by_category: dict[str, dict[str, FigurePublic]]
    by_hour: list[FigurePublic] = Field(description="24 valeurs, heure de Paris")
    by_weekday: list[FigurePublic] = Field(description="7 valeurs, lundi d'abord")
    outcomes: list[OutcomeCountPublic]
    response_times: list[ResponseTimePublic]
    halls: list[HallPublic] = Field(
        description=(
            "les halls les plus touchés d'abord (niveau, puis nombre de faits), au plus "
            "`halls_max` : une réunion de partenaires regarde les pires"
        )
    )
    halls_total: int = Field(
        description="nombre de halls ayant des faits sur la période, listés ou non"
    )
    trend: list[TrendPublic]
    # The convention of the territory's département (None when several départements are in view).
    convention: ConventionPublic | None = None

    @classmethod
    def of(
        cls,
        figures: Diagnostics,
        territory: TerritoryPublic,
        convention: ConventionPublic | None = None,
    ) -> DiagnosticsPublic:
        """The public form of computed diagnostics."""

        def fig(value: object) -> FigurePublic:
            return FigurePublic.model_validate(value)

        return cls(
            territory=territory,
            convention=convention,
            period=PeriodPublic(start=figures.start, end=figures.end),
            previous_period=PeriodPublic(start=figures.previous_start, end=figures.previous_end),
            exact=figures.exact,
            suppression_threshold=figures.suppression_threshold,
            totals={k: fig(v) for k, v in figures.totals.items()},
            by_category={
                kind: {k: fig(v) for k, v in counts.items()}
                for kind, counts in figures.by_category.items()
            },
            by_hour=[fig(v) for v in figures.by_hour],
            by_weekday=[fig(v) for v in figures.by_weekday],
            outcomes=[OutcomeCountPublic.model_validate(o) for o in figures.outcomes],
            response_times=[ResponseTimePublic.model_validate(t) for t in figures.response_times],
            halls=[HallPublic.of(h) for h in figures.halls],
            halls_total=figures.halls_total,
            trend=[TrendPublic.model_validate(t) for t in figures.trend],
        )
