"""Bar and line charts drawn on the server as SVG: no script, readable by screen readers
(title and description), printable."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

TEXT = "#1a1a1a"
GRID = "#767676"
FONT = 'font-family="system-ui, sans-serif" font-size="13"'
LABEL_WIDTH = 230
BAR_AREA = 380
BAR_HEIGHT = 14
MAX_LABEL = 34


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


def _opening(chart_id: str, width: int, height: int, title: str, description: str) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-titre {chart_id}-desc">'
        f'<title id="{chart_id}-titre">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def _legend(series: list[Series], x: int, y: int) -> str:
    parts = []
    for index, one in enumerate(series):
        left = x + index * 170
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
    """Horizontal bars, one group per category and one bar per series."""
    group = BAR_HEIGHT * len(series) + 10
    height = 40 + group * max(1, len(categories)) + 20
    width = LABEL_WIDTH + BAR_AREA + 50
    top = _nice_max(max((v for one in series for v in one.values), default=0))
    scale = BAR_AREA / top
    parts = [_opening(chart_id, width, height, title, _describe(categories, series))]
    parts.append(_legend(series, LABEL_WIDTH, 18))
    for index, category in enumerate(categories):
        y = 34 + index * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + group / 2}" text-anchor="end" '
            f'fill="{TEXT}" {FONT}>{escape(_short(category))}</text>'
        )
        for rank, one in enumerate(series):
            value = one.values[index]
            bar_y = y + rank * BAR_HEIGHT
            parts.append(
                f'<rect class="bar" x="{LABEL_WIDTH}" y="{bar_y}" width="{value * scale:.1f}" '
                f'height="{BAR_HEIGHT - 2}" fill="{one.colour}"/>'
                f'<text x="{LABEL_WIDTH + value * scale + 4:.1f}" y="{bar_y + 11}" '
                f'fill="{TEXT}" {FONT}>{value}</text>'
            )
    axis_bottom = 34 + group * max(1, len(categories))
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="28" x2="{LABEL_WIDTH}" y2="{axis_bottom}" stroke="{GRID}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(chart_id: str, title: str, x_labels: list[str], series: list[Series]) -> Markup:
    """Lines over a time axis, one per series, with a marker on each point."""
    width, height, left, right, top_margin, bottom = 680, 260, 44, 16, 34, 46
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    top = _nice_max(max((v for one in series for v in one.values), default=0))
    step = plot_w / max(1, len(x_labels) - 1)
    parts = [_opening(chart_id, width, height, title, _describe(x_labels, series))]
    parts.append(_legend(series, left, 18))
    for tick in (0, top // 2, top) if top >= 2 else (0, top):
        y = top_margin + plot_h - tick * plot_h / top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}" '
            f"{FONT}>{tick}</text>"
        )
    every = max(1, len(x_labels) // 6)
    for index, label in enumerate(x_labels):
        if index % every == 0:
            parts.append(
                f'<text x="{left + index * step:.1f}" y="{height - bottom + 18}" '
                f'text-anchor="middle" fill="{TEXT}" {FONT}>{escape(label)}</text>'
            )
    for one in series:
        points = [
            (left + index * step, top_margin + plot_h - value * plot_h / top)
            for index, value in enumerate(one.values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{one.colour}" stroke-width="2"/>'
        )
        parts.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{one.colour}"/>' for x, y in points
        )
    parts.append("</svg>")
    return Markup("".join(parts))
