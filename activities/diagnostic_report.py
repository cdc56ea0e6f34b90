"""The `diagnostic_local` report (.docx) for a CLSPD meeting: charts and tables of a territory."""

from __future__ import annotations

import io
from datetime import datetime, time
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from activities import diagnostic_charts as charts
from activities.documents import PARIS, document_properties, label, make_environment
from activities.docx_zip import normalised_zip
from domain.actors import Actor, OrgKind
from domain.kinds import ProcedureKind
from domain.labels import humanise, wording
from domain.procedures import find
from store.diagnostic_figures import Diagnostics, DiagnosticSettings, Figure, OutcomeCount
from store.diagnostic_filters import DiagnosticFilters
from store.diagnostics import SHARED, Viewer, compute
from store.tables import Commune, Organisation

TEMPLATE = "diagnostic_local"
DEFAULT_TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates" / "docx"
CHART_WIDTH = Mm(165)


def render_report(
    engine: Engine,
    filters: DiagnosticFilters,
    viewer: Viewer = SHARED,
    templates_dir: Path = DEFAULT_TEMPLATES_DIR,
    settings: DiagnosticSettings | None = None,
    convention: str = "",
) -> bytes:
    """The report of `filters` as `viewer` may see it (shared, suppressed, by default);
    `convention` says which convention applies to its territory."""
    settings = settings or DiagnosticSettings()
    with Session(engine) as session:
        figures = compute(session, viewer, filters, settings)
        territory = territory_name(session, filters)
    template = DocxTemplate(templates_dir / f"{TEMPLATE}.docx")
    context = report_context(figures, territory, settings)
    context["convention"] = convention
    context.update(_images(template, figures))
    template.render(context, make_environment())
    stamp = datetime.combine(filters.end, time(12), tzinfo=PARIS)
    properties = template.docx.core_properties
    for name, value in document_properties(stamp).items():
        setattr(properties, name, value)
    buffer = io.BytesIO()
    template.save(buffer)
    return normalised_zip(buffer.getvalue(), stamp)


def served_territory(session: Session) -> str:
    """The départements served, by name (their préfectures' territories), in code order."""
    statement = (
        select(col(Organisation.territory))
        .where(col(Organisation.kind) == OrgKind.PREFECTURE.value)
        .order_by(col(Organisation.departement), col(Organisation.id))
    )
    return ", ".join(session.exec(statement).all()) or "tous territoires"


def territory_name(session: Session, filters: DiagnosticFilters) -> str:
    """The territory in words: commune, unit or arrondissement, then residence and hall."""
    parts = []
    if filters.departement:
        parts.append(f"département {filters.departement}")
    if filters.commune:
        commune = session.get(Commune, filters.commune)
        parts.append(commune.name if commune else filters.commune)
    if filters.unit:
        unit = session.get(Organisation, filters.unit)
        parts.append(f"ressort de {unit.name if unit else filters.unit}")
    if filters.arrondissement:
        parts.append(f"arrondissement {filters.arrondissement}")
    if not parts:
        parts.append(served_territory(session))
    if filters.residence:
        parts.append(filters.residence)
    if filters.batiment:
        parts.append(f"bâtiment {filters.batiment}")
    if filters.hall:
        parts.append(f"hall {filters.hall}")
    return " — ".join(parts)


def shown(figure: Figure) -> str:
    """A count as printed: suppressed ones as « < seuil »."""
    return "< seuil" if figure.supprime else str(figure.value)


def evolution(value: float | None) -> str:
    """A relative change in French ("+25 %"), or a dash."""
    if value is None:
        return "—"
    return f"{value * 100:+.0f} %".replace("-", "−")


def outcome_label(kind: str, key: str, outcome: str) -> tuple[str, str]:
    """The labels of a step and of its outcome, from the procedure's catalog."""
    definition = find(kind)
    if definition is None or not definition.catalog.has(key):
        return key, outcome
    spec = definition.catalog.spec(key)
    found = spec.outcome(outcome)
    return spec.label, found.label if found else outcome.replace("_", " ")


def plural(kind: str) -> str:
    """The name of a kind of procedure in the plural ("Signalements")."""
    definition = find(kind)
    return definition.plural if definition else humanise(kind)


def _outcome_row(outcome: OutcomeCount) -> dict[str, str]:
    step, decision = outcome_label(outcome.kind, outcome.step_key, outcome.outcome)
    kind = plural(outcome.kind)
    return {"type": kind, "etape": step, "decision": decision, "nombre": shown(outcome.count)}


def report_context(
    figures: Diagnostics, territory: str, settings: DiagnosticSettings
) -> dict[str, Any]:
    """The text and tables of the report (the charts are added by `render_report`)."""
    return {
        "territoire": territory,
        "debut": figures.start.isoformat(),
        "fin": figures.end.isoformat(),
        "debut_precedent": figures.previous_start.isoformat(),
        "fin_precedente": figures.previous_end.isoformat(),
        "date_document": figures.end.isoformat(),
        "seuil": figures.suppression_threshold,
        "diffusion": (
            "Chiffres exacts du bailleur sur ses propres dossiers."
            if figures.exact
            else f"Agrégats non nominatifs : effectifs inférieurs à "
            f"{figures.suppression_threshold} masqués (« < seuil »)."
        ),
        "seuils_niveaux": (
            f"niveau 1 : 1 à {settings.recurring_from - 1} faits ; niveau 2 : "
            f"{settings.recurring_from} à {settings.established_from - 1} ; niveau 3 : "
            f"{settings.established_from} ou plus"
            + (
                ", ou tout fait de trafic de stupéfiants"
                if settings.trafficking_is_established
                else ""
            )
        ),
        "synthese": [
            {
                "type": plural(t.kind),
                "courant": shown(t.current),
                "precedent": shown(t.previous),
                "evolution": evolution(t.evolution),
            }
            for t in figures.trend
        ],
        "categories": [
            {"type": plural(kind), "categorie": label(code), "nombre": shown(figure)}
            for kind, counts in figures.by_category.items()
            for code, figure in counts.items()
        ],
        "suites": [_outcome_row(o) for o in figures.outcomes],
        "delais": [
            {
                "acteur": wording(Actor, t.actor),
                "etape": t.label,
                "nombre": shown(t.steps),
                "mediane": "—" if t.median_days is None else f"{t.median_days:g}",
                "p90": "—" if t.p90_days is None else f"{t.p90_days:g}",
                "retard": "—" if t.overdue_share is None else f"{t.overdue_share * 100:.0f} %",
            }
            for t in figures.response_times
        ],
        "halls": [
            {
                "residence": h.residence,
                "batiment": h.batiment or "—",
                "hall": h.hall or "—",
                "nombre": shown(h.count),
                "niveau": f"{h.level} — {h.level_label}" if h.level else "< seuil",
            }
            for h in figures.halls
        ],
    }


def _images(template: DocxTemplate, figures: Diagnostics) -> dict[str, Any]:
    """The charts, as images placed in the template."""

    def image(data: bytes) -> InlineImage:
        return InlineImage(template, io.BytesIO(data), width=CHART_WIDTH)

    labels, values = [], []
    for kind, counts in figures.by_category.items():
        for code, figure in counts.items():
            labels.append(f"{wording(ProcedureKind, kind)} — {label(code)}")
            values.append(figure.value)
    timed = [t for t in figures.response_times if t.median_days is not None][:12]
    return {
        "graphique_categories": image(
            charts.bar_chart("Faits et procédures par catégorie", labels, values, horizontal=True)
        ),
        "graphique_heures": image(charts.hours_chart([f.value for f in figures.by_hour])),
        "graphique_jours": image(charts.weekdays_chart([f.value for f in figures.by_weekday])),
        "graphique_delais": image(
            charts.delays_chart(
                [t.label[:45] for t in timed],
                [t.median_days or 0.0 for t in timed],
                [t.p90_days or 0.0 for t in timed],
            )
        ),
    }
