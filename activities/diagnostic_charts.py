"""Charts of the diagnostic report as PNG images (matplotlib, Agg backend, reproducible bytes)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

INK, BAR, LATE = "#1f1f1f", "#3b6ea5", "#c0504d"
WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9})


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No software version in the metadata: the same figures give the same bytes.
    figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _frame(title: str, size: tuple[float, float] = (7.0, 2.8)) -> tuple[Figure, plt.Axes]:
    figure, axes = plt.subplots(figsize=size, layout="constrained")
    axes.set_title(title, color=INK, loc="left", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _note_hidden(axes: plt.Axes, hidden: int) -> None:
    if hidden:
        note = f"{hidden} valeur(s) masquée(s) : effectif < seuil"
        axes.set_title(note, loc="right", fontsize=7, color="#666666")


def bar_chart(title: str, labels: list[str], values: list[int | None], horizontal: bool) -> bytes:
    """Bars of counts; a suppressed count (None) is drawn as an empty bar and counted in a note."""
    size = (7.0, max(2.2, 0.35 * len(labels) + 0.8)) if horizontal else (7.0, 2.8)
    figure, axes = _frame(title, size)
    heights = [value or 0 for value in values]
    if horizontal:
        positions = list(range(len(labels)))[::-1]
        axes.barh(positions, heights, color=BAR)
        axes.set_yticks(positions, labels)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        axes.bar(range(len(labels)), heights, color=BAR)
        axes.set_xticks(range(len(labels)), labels)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _note_hidden(axes, sum(1 for value in values if value is None))
    return _png(figure)


def hours_chart(values: list[int | None]) -> bytes:
    """Facts by hour of the day (Paris time)."""
    labels = [f"{hour} h" if hour % 3 == 0 else "" for hour in range(24)]
    return bar_chart("Faits selon l'heure (heure de Paris)", labels, values, horizontal=False)


def weekdays_chart(values: list[int | None]) -> bytes:
    """Facts by day of the week, Monday first."""
    return bar_chart("Faits selon le jour de la semaine", list(WEEKDAYS), values, horizontal=False)


def delays_chart(labels: list[str], medians: list[float], p90s: list[float]) -> bytes:
    """Median and 90th percentile of the days taken per step."""
    figure, axes = _frame(
        "Délais de réponse (jours) : médiane et 90e centile", (7.0, 0.45 * len(labels) + 1.0)
    )
    positions = list(range(len(labels)))[::-1]
    axes.barh([p - 0.2 for p in positions], medians, height=0.4, color=BAR, label="médiane")
    axes.barh([p + 0.2 for p in positions], p90s, height=0.4, color=LATE, label="90e centile")
    axes.set_yticks(positions, labels)
    axes.legend(loc="lower right", frameon=False, fontsize=8)
    return _png(figure)
