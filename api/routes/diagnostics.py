"""Local diagnostics: indicators of a territory and a period, and the report for a CLSPD."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from activities.diagnostic_report import render_report
from api.deps import DepartementDep, EngineDep, ScopeDep, SessionDep, SettingsDep
from api.diagnostics_schemas import DiagnosticsPublic, TerritoryPublic
from api.query_bounds import Day
from api.schemas import ConventionPublic
from quietude.conventions import (
    convention_wording,
    departements_in_view,
    in_view,
    load_conventions,
)
from quietude.procedures import today_in_paris
from store.diagnostic_filters import DiagnosticFilterError, DiagnosticFilters, check_filters
from store.diagnostics import compute, default_period, viewer_of

router = APIRouter(prefix="/diagnostics", tags=["diagnostics locaux"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Text = Annotated[str | None, Query(min_length=1, max_length=200)]
# Halls listed by default: enough for a meeting, not the 6,000 halls of the département.
DEFAULT_HALLS, MAX_HALLS = 100, 1000


def diagnostic_filters(
    session: SessionDep,
    departement: DepartementDep,
    start: Annotated[
        Day | None, Query(alias="from", description="début de la période (défaut : un an)")
    ] = None,
    end: Annotated[Day | None, Query(alias="to", description="fin (défaut : aujourd'hui)")] = None,
    arrondissement: Text = None,
    commune: Text = None,
    unite: Annotated[
        str | None, Query(min_length=1, max_length=200, description="commissariat ou brigade")
    ] = None,
    residence: Text = None,
    batiment: Text = None,
    hall: Text = None,
) -> DiagnosticFilters:
    """The filters of the query string, checked; 422 with a French message otherwise."""
    default_start, default_end = default_period(end or today_in_paris())
    filters = DiagnosticFilters(
        start=start or default_start,
        end=end or default_end,
        arrondissement=arrondissement,
        commune=commune,
        unit=unite,
        residence=residence,
        batiment=batiment,
        hall=hall,
        departement=departement,
    )
    try:
        check_filters(session, filters)
    except DiagnosticFilterError as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    return filters


FiltersDep = Annotated[DiagnosticFilters, Depends(diagnostic_filters)]


def territory_of(filters: DiagnosticFilters) -> TerritoryPublic:
    """The territory as the query gave it."""
    return TerritoryPublic(
        departement=filters.departement,
        arrondissement=filters.arrondissement,
        commune=filters.commune,
        unite=filters.unit,
        residence=filters.residence,
        batiment=filters.batiment,
        hall=filters.hall,
    )


@router.get("", response_model=DiagnosticsPublic)
def read_diagnostics(
    session: SessionDep,
    settings: SettingsDep,
    scope: ScopeDep,
    filters: FiltersDep,
    halls_max: Annotated[
        int, Query(ge=1, le=MAX_HALLS, description="nombre de halls listés, les pires d'abord")
    ] = DEFAULT_HALLS,
) -> DiagnosticsPublic:
    """Indicateurs locaux (faits par catégorie, heure, jour, suites, délais, halls, tendance).

    Un bailleur voit ses propres dossiers exactement ; les partenaires et l'administrateur de la
    convention (préfecture) voient des agrégats, les effectifs inférieurs au seuil masqués. Seuls
    les `halls_max` halls les plus touchés sont listés ; `halls_total` les compte tous.
    """
    figures = compute(session, viewer_of(scope), filters, hall_limit=halls_max)
    departements = departements_in_view(session, filters.commune, filters.departement, scope)
    shown = in_view(load_conventions(settings.conventions_file), departements)
    return DiagnosticsPublic.of(figures, territory_of(filters), ConventionPublic.of(shown))


@router.get("/report.docx", response_class=Response)
def diagnostics_report(
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    scope: ScopeDep,
    filters: FiltersDep,
) -> Response:
    """Rapport « diagnostic local » (.docx) pour une réunion du CLSPD, graphiques et tableaux,
    avec la convention appliquée."""
    convention = convention_wording(
        session, settings.conventions_file, filters.commune, filters.departement, scope
    )
    data = render_report(
        engine, filters, viewer_of(scope), settings.templates_dir, convention=convention
    )
    place = filters.commune or filters.unit or filters.departement or "territoire"
    name = f"diagnostic-local-{place}-{filters.end}.docx"
    return Response(
        content=data,
        media_type=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
