"""Bar and line charts drawn on the server as SVG: no script, readable by screen readers
(title and description), printable.

The charts have no viewBox: their width follows the page (x positions in percent) while
heights and text stay in pixels, so labels keep their size on a phone instead of shrinking
with a scaled drawing."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

TEXT = "#1a1a1a"
GRID = "#767676"
FONT = 'font-family="system-ui, sans-serif" font-size="13"'
BAR_HEIGHT = 14
LABEL_LINE = 20
BAR_SPAN = 85.0  # percent of the width the longest bar may take; the rest holds its value
MAX_LABEL = 40
LINE_LEFT, LINE_RIGHT = 8.0, 8.0  # percent of the width left free on each side of the lines
X_LABELS_WIDE, X_LABELS_NARROW = 6, 3


@dataclass(frozen=True)
class Series:
    """One series of values, with its name (for the legend) and colour."""

    name: str
    colour: str
    values: tuple[int, ...]


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _nice_max(value: int) -> int:
    """The top of the scale: the smallest of 1, 2, 5 × 10^n not below `value`."""
    top = 1
    while True:
        for factor in (1, 2, 5):
            if top * factor >= value:
                return top * factor
        top *= 10


def _opening(chart_id: str, height: int, title: str, description: str) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-titre {chart_id}-desc">'
        f'<title id="{chart_id}-titre">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def _legend(series: list[Series], y: int) -> str:
    parts = []
    for index, one in enumerate(series):
        left = index * 150
        parts.append(
            f'<rect x="{left}" y="{y - 11}" width="12" height="12" fill="{one.colour}"/>'
            f'<text x="{left + 18}" y="{y}" fill="{TEXT}" {FONT}>{escape(one.name)}</text>'
        )
    return "".join(parts)


def _describe(categories: list[str], series: list[Series]) -> str:
    items = []
    for index, category in enumerate(categories):
        values = ", ".join(f"{one.name.lower()} {one.values[index]}" for one in series)
        items.append(f"{category} : {values}")
    return " ; ".join(items) + "." if items else "Aucune donnée."


def bar_chart(chart_id: str, title: str, categories: list[str], series: list[Series]) -> Markup:
    """Horizontal bars, one group per category (its label above) and one bar per series."""
    group = LABEL_LINE + BAR_HEIGHT * len(series) + 10
    height = 30 + group * max(1, len(categories))
    top = _nice_max(max((v for one in series for v in one.values), default=0))
    parts = [_opening(chart_id, height, title, _describe(categories, series))]
    parts.append(_legend(series, 16))
    for index, category in enumerate(categories):
        y = 30 + index * group
        parts.append(
            f'<text x="0" y="{y + 14}" fill="{TEXT}" {FONT}>{escape(_short(category))}</text>'
        )
        for rank, one in enumerate(series):
            value = one.values[index]
            width = value * BAR_SPAN / top
            bar_y = y + LABEL_LINE + rank * BAR_HEIGHT
            parts.append(
                f'<rect class="bar" x="0" y="{bar_y}" width="{width:.1f}%" '
                f'height="{BAR_HEIGHT - 2}" fill="{one.colour}"/>'
                f'<text x="{width:.1f}%" dx="4" y="{bar_y + 11}" '
                f'fill="{TEXT}" {FONT}>{value}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _x_label_class(index: int, count: int) -> str | None:
    """Which week labels are drawn: about six, and on narrow screens one in two of those
    (the class `minor` is hidden there by the stylesheet)."""
    every = max(1, count // X_LABELS_WIDE)
    if index % every:
        return None
    return "minor" if (index // every) % 2 else "major"


def line_chart(chart_id: str, title: str, x_labels: list[str], series: list[Series]) -> Markup:
    """Lines over a time axis, one per series, with a marker on each point."""
    height, top_margin, bottom = 260, 40, 40
    plot_h = height - top_margin - bottom
    top = _nice_max(max((v for one in series for v in one.values), default=0))
    span = 100 - LINE_LEFT - LINE_RIGHT
    step = span / max(1, len(x_labels) - 1)
    parts = [_opening(chart_id, height, title, _describe(x_labels, series))]
    parts.append(_legend(series, 16))
    for tick in (0, top // 2, top) if top >= 2 else (0, top):
        y = top_margin + plot_h - tick * plot_h / top
        # The tick's value sits above its grid line, at the left edge.
        parts.append(
            f'<line x1="0" y1="{y:.1f}" x2="100%" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="0" y="{y - 3:.1f}" fill="{TEXT}" {FONT}>{tick}</text>'
        )
    for index, label in enumerate(x_labels):
        kind = _x_label_class(index, len(x_labels))
        if kind:
            parts.append(
                f'<text class="x-label {kind}" x="{LINE_LEFT + index * step:.2f}%" '
                f'y="{height - bottom + 20}" text-anchor="middle" fill="{TEXT}" {FONT}>'
                f"{escape(label)}</text>"
            )
    for one in series:
        points = [
            (LINE_LEFT + index * step, top_margin + plot_h - value * plot_h / top)
            for index, value in enumerate(one.values)
        ]
        parts.append(f'<g class="series" stroke="{one.colour}" fill="{one.colour}">')
        parts.extend(
            f'<line x1="{x1:.2f}%" y1="{y1:.1f}" x2="{x2:.2f}%" y2="{y2:.1f}" stroke-width="2"/>'
            for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False)
        )
        parts.extend(f'<circle cx="{x:.2f}%" cy="{y:.1f}" r="3"/>' for x, y in points)
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
