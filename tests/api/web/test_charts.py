"""Server-drawn SVG charts: sized to their values, described for screen readers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from api.web.charts import Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_are_proportional_and_described() -> None:
    chart = bar_chart(
        "essai",
        "Étapes par acteur",
        ["Parquet", "Police <nationale>"],
        [Series("En attente", "#1d4e89", (10, 4)), Series("En retard", "#b3261e", (5, 0))],
    )
    root = ET.fromstring(str(chart))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "essai-titre essai-desc"
    assert root.find(f"{SVG}title").text == "Étapes par acteur"
    description = root.find(f"{SVG}desc").text
    assert description == (
        "Parquet : en attente 10, en retard 5 ; Police <nationale> : en attente 4, en retard 0."
    )
    widths = [
        float(rect.get("width").removesuffix("%"))
        for rect in root.iter(f"{SVG}rect")
        if rect.get("class") == "bar"
    ]
    assert widths[0] == 2 * widths[1]  # 10 and 5 on the same scale
    assert widths[3] == 0.0  # Police, late: nothing


def test_a_line_chart_has_one_point_per_week_and_series() -> None:
    chart = line_chart(
        "semaines",
        "Activité",
        ["5 janv.", "12 janv.", "19 janv."],
        [Series("Ouvertes", "#1d4e89", (1, 3, 2)), Series("Accomplies", "#2e6b30", (0, 0, 0))],
    )
    root = ET.fromstring(str(chart))
    assert len(list(root.iter(f"{SVG}circle"))) == 6
    lines = [group for group in root.iter(f"{SVG}g") if group.get("class") == "series"]
    assert [len(group.findall(f"{SVG}line")) for group in lines] == [2, 2]
    assert "<script" not in str(chart)


def test_an_empty_chart_still_draws() -> None:
    chart = str(bar_chart("vide", "Rien", [], [Series("En retard", "#b3261e", ())]))
    assert re.search(r"<desc[^>]*>Aucune donnée.</desc>", chart)


def test_charts_follow_the_page_width_with_text_in_pixels() -> None:
    """No viewBox: a narrow screen narrows the drawing without shrinking its 13 px labels."""
    chart = line_chart(
        "semaines",
        "Activité",
        [f"{day} janv." for day in range(1, 13)],
        [Series("Ouvertes", "#1d4e89", tuple(range(12)))],
    )
    root = ET.fromstring(str(chart))
    assert root.get("viewBox") is None
    assert root.get("width") == "100%"
    labels = [t for t in root.iter(f"{SVG}text") if "x-label" in (t.get("class") or "")]
    assert [t.get("class") for t in labels] == ["x-label major", "x-label minor"] * 3
    assert {t.get("font-size") for t in root.iter(f"{SVG}text")} == {"13"}
