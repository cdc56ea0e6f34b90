"""The SVG charts of the diagnostics page: only the counts the viewer may see are drawn (a
suppressed count is neither a bar nor a zero)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from activities.diagnostic_report import plural, shown
from api.web.charts import Series, bar_chart
from store.diagnostic_figures import Diagnostics, Figure

FACTS_COLOUR = "#1d4e89"
PREVIOUS_COLOUR = "#767676"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class CategoryRow:
    """A category of a kind and its count, as the report words them."""

    code: str  # « kind:category », the value of the page's filter
    type: str
    categorie: str
    figure: Figure

    @property
    def nombre(self) -> str:
        """The count as printed, « < seuil » when suppressed."""
        return shown(self.figure)

    @property
    def name(self) -> str:
        return f"{self.type} — {self.categorie}"


def _shown(pairs: list[tuple[str, Figure]]) -> tuple[list[str], tuple[int, ...]]:
    kept = [(name, figure.value) for name, figure in pairs if figure.value is not None]
    return [name for name, _ in kept], tuple(value for _, value in kept)


def _bars(chart_id: str, title: str, pairs: list[tuple[str, Figure]], name: str) -> Markup:
    names, values = _shown(pairs)
    return bar_chart(chart_id, title, names, [Series(name, FACTS_COLOUR, values)])


def diagnostic_charts(figures: Diagnostics, categories: list[CategoryRow]) -> dict[str, Markup]:
    """The charts of the categories shown, of the hours, of the weekdays and of the trend."""
    trend = [
        t for t in figures.trend if t.current.value is not None and t.previous.value is not None
    ]
    return {
        "categories": _bars(
            "graphique-categories",
            "Faits et procédures par catégorie",
            [(row.name, row.figure) for row in categories],
            "Nombre",
        ),
        "hours": _bars(
            "graphique-heures",
            "Faits selon l'heure (heure de Paris)",
            [(f"{hour} h", figure) for hour, figure in enumerate(figures.by_hour)],
            "Faits",
        ),
        "weekdays": _bars(
            "graphique-jours",
            "Faits selon le jour de la semaine",
            list(zip(WEEKDAYS, figures.by_weekday, strict=True)),
            "Faits",
        ),
        "trend": bar_chart(
            "graphique-tendance",
            "Procédures de la période et de la période précédente",
            [plural(t.kind) for t in trend],
            [
                Series("Période", FACTS_COLOUR, tuple(t.current.value or 0 for t in trend)),
                Series("Précédente", PREVIOUS_COLOUR, tuple(t.previous.value or 0 for t in trend)),
            ],
        ),
    }
