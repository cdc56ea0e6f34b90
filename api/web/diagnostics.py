"""The local diagnostics for the partners: the API's indicators of a territory and a period,
as tables and SVG charts, and the CLSPD report (.docx)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from activities.diagnostic_report import (
    plural,
    render_report,
    report_context,
    territory_name,
)
from activities.documents import label
from api.routes.diagnostics import DOCX
from api.web.diagnostics_charts import CategoryRow, diagnostic_charts
from api.web.pages import PAGE_HEADERS, PageUser, UserDep, render
from api.web.periods import PeriodError, checked_period
from api.web.procedures import visible_communes, visible_departements
from quietude.conventions import (
    convention_wording,
    departements_in_view,
    in_view,
    load_conventions,
)
from quietude.procedures import today_in_paris
from store.departement_filter import departement_choices
from store.diagnostic_figures import DiagnosticSettings
from store.diagnostic_filters import DiagnosticFilterError, DiagnosticFilters, check_filters
from store.diagnostics import compute, default_period, viewer_of
from store.visibility import scope_of

router = APIRouter(include_in_schema=False)
# The labels of the filters' inputs, read by the inputs and by the summary of their errors.
FILTER_LABELS = {
    "du": "Du",
    "au": "Au",
    "departement": "Département",
    "commune": "Commune",
    "residence": "Résidence",
    "categorie": "Catégorie",
}


@dataclass(frozen=True)
class DiagnosticQuery:
    """What the page was asked for: the parameters as typed, the API's filters or a message."""

    params: dict[str, str]
    filters: DiagnosticFilters | None
    message: str = ""
    field: str = ""  # the filter the message is told beside, if one is


def _query(
    session: Session,
    du: str,
    au: str,
    commune: str,
    residence: str,
    categorie: str,
    departement: str = "",
) -> DiagnosticQuery:
    """The filters of the API from the page's parameters, checked by the API's own rules."""
    params = {
        "du": du[:20],
        "au": au[:20],
        "departement": departement[:3],
        "commune": commune[:10],
        "residence": residence.strip()[:200],
        "categorie": categorie[:100],
    }
    try:
        start, end = checked_period(params["du"], params["au"])
        default_start, default_end = default_period(end or today_in_paris())
        filters = DiagnosticFilters(
            start=start or default_start,
            end=end or default_end,
            commune=params["commune"] or None,
            residence=params["residence"] or None,
            departement=params["departement"] or None,
        )
        check_filters(session, filters)
    except (PeriodError, DiagnosticFilterError) as error:
        return DiagnosticQuery(params, None, str(error), error.field)
    return DiagnosticQuery(params, filters)


def _report_url(params: dict[str, str]) -> str:
    kept = {k: v for k, v in params.items() if v and k != "categorie"}
    return "/diagnostics/rapport.docx" + (f"?{urlencode(kept)}" if kept else "")


def _figures_context(session: Session, user: PageUser, query: DiagnosticQuery) -> dict[str, Any]:
    """The indicators as the API computes them for this user, in the report's words."""
    assert query.filters is not None
    settings = DiagnosticSettings()
    viewer = viewer_of(scope_of(session, user.claims.org, user.claims.role))
    figures = compute(session, viewer, query.filters, settings)
    tables = report_context(figures, territory_name(session, query.filters), settings)
    rows = [
        CategoryRow(f"{kind}:{code}", plural(kind), label(code), figure)
        for kind, counts in figures.by_category.items()
        for code, figure in counts.items()
    ]
    category = query.params["categorie"]
    chosen = [row for row in rows if row.code == category] if category else rows
    return {
        "figures": figures,
        "tables": tables,
        "category_options": [(row.code, row.name) for row in rows],
        "categories": chosen,
        "charts": diagnostic_charts(figures, chosen),
    }


@router.get("/diagnostics")
def diagnostics_page(
    request: Request,
    user: UserDep,
    du: str = "",
    au: str = "",
    commune: str = "",
    residence: str = "",
    categorie: str = "",
    departement: str = "",
) -> Response:
    """Local indicators of a territory and a period, small counts hidden as in the API."""
    with Session(request.app.state.engine) as session:
        query = _query(session, du, au, commune, residence, categorie, departement)
        communes = visible_communes(session, user.scope)
        seen = visible_departements(communes)
        scope = scope_of(session, user.claims.org, user.claims.role)
        choices = departement_choices(session, seen) if len(seen) > 1 else []
        # A département refused where the page offers none is told above the filters.
        field = "" if query.field == "departement" and not choices else query.field
        context: dict[str, Any] = {
            "params": query.params,
            "errors": {field: query.message} if field else {},
            "general": [query.message] if query.message and not field else [],
            "filter_labels": FILTER_LABELS,
            "communes": communes,
            "departements": choices,
            "filtered": any(query.params.values()),
            "report_url": _report_url(query.params),
            "conventions": in_view(
                load_conventions(request.app.state.settings.conventions_file),
                departements_in_view(
                    session, query.params["commune"], query.params["departement"], scope
                ),
            ),
        }
        if query.filters is not None:
            context |= _figures_context(session, user, query)
    return render(
        request, "diagnostics.html", context, user=user, status=422 if query.message else 200
    )


@router.get("/diagnostics/rapport.docx")
def diagnostics_report(
    request: Request,
    user: UserDep,
    du: str = "",
    au: str = "",
    commune: str = "",
    residence: str = "",
    departement: str = "",
) -> Response:
    """The CLSPD report (.docx) of the page's filters, as the API's report."""
    engine = request.app.state.engine
    settings = request.app.state.settings
    with Session(engine) as session:
        query = _query(session, du, au, commune, residence, "", departement)
        scope = scope_of(session, user.claims.org, user.claims.role)
        viewer = viewer_of(scope)
        chosen = query.filters
        convention = convention_wording(
            session,
            settings.conventions_file,
            chosen.commune if chosen else None,
            chosen.departement if chosen else None,
            scope,
        )
    if query.filters is None:
        context = {"title": "Rapport impossible", "message": query.message}
        return render(request, "error.html", context, user=user, status=422)
    filters = query.filters
    data = render_report(engine, filters, viewer, settings.templates_dir, convention=convention)
    place = filters.commune or filters.departement or "territoire"
    name = f"diagnostic-local-{place}-{filters.end}.docx"
    return Response(
        content=data,
        media_type=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{name}"', **PAGE_HEADERS},
    )
