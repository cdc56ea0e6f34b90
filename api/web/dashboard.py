"""The managers' dashboard: pending and overdue steps, lateness, durations, SVG charts, and
the CSV export of the pending steps."""

from __future__ import annotations

import csv
import io
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.web import labels
from api.web.charts import Series, bar_chart, line_chart
from api.web.dashboard_figures import (
    DashboardData,
    DashboardFilters,
    completed_steps,
    dashboard_data,
)
from api.web.dashboard_steps import COMPLETED, StepSelection, page_of, steps_link
from api.web.pages import PageError, PageUser, UserDep, render
from api.web.periods import PeriodError, checked_period
from api.web.procedures import page_number, visible_communes, visible_departements
from quietude.conventions import departements_in_view, in_view, load_conventions
from quietude.procedures import today_in_paris
from store.departement_filter import departement_choices
from store.queries import organisation_names

router = APIRouter(include_in_schema=False)

PENDING_COLOUR = "#1d4e89"
OVERDUE_COLOUR = "#b3261e"
DONE_COLOUR = "#2e6b30"
# The labels of the filters' inputs, read by the inputs and by the summary of their errors.
FILTER_LABELS = {
    "du": "Étapes ouvertes à partir du",
    "au": "Jusqu'au",
    "commune": "Commune",
    "departement": "Département",
    "kind": "Type",
}
CSV_COLUMNS = (
    "procédure",
    "type",
    "commune",
    "bailleur",
    "étape",
    "acteur",
    "organisation",
    "ouverte le",
    "échéance",
    "en retard",
    "jours de retard",
)


def _manager(user: PageUser) -> None:
    if not user.is_manager:
        raise PageError(
            403,
            "Le tableau de bord est réservé aux responsables (rôle « manager » ou « admin »).",
            "Accès refusé",
        )


def _filters(
    du: str, au: str, commune: str, kind: str, departement: str = ""
) -> tuple[DashboardFilters, dict[str, str]]:
    """The dashboard's filters; PeriodError when a date cannot be read or the period is
    upside down."""
    start, end = checked_period(du[:20], au[:20])
    filters = DashboardFilters(
        start=start,
        end=end,
        commune=commune[:10] or None,
        kind=kind if kind in labels.KINDS else None,
        # Any other text matches no commune: the select offers only the départements seen.
        departement=departement[:3] or None,
    )
    params = {
        "du": filters.start.isoformat() if filters.start else "",
        "au": filters.end.isoformat() if filters.end else "",
        "commune": filters.commune or "",
        "kind": filters.kind or "",
        "departement": filters.departement or "",
    }
    return filters, params


def _charts(data: DashboardData) -> dict[str, Any]:
    actors = [count.name for count in data.by_actor]
    return {
        "by_actor": bar_chart(
            "graphique-acteurs",
            "Étapes en attente et en retard par acteur",
            actors,
            [
                Series("En attente", PENDING_COLOUR, tuple(c.pending for c in data.by_actor)),
                Series("En retard", OVERDUE_COLOUR, tuple(c.overdue for c in data.by_actor)),
            ],
        ),
        "age_bands": bar_chart(
            "graphique-retards",
            "Étapes en retard selon l'ancienneté du retard",
            [label for label, _ in data.age_bands],
            [Series("En retard", OVERDUE_COLOUR, tuple(n for _, n in data.age_bands))],
        ),
        "weekly": line_chart(
            "graphique-semaines",
            "Étapes ouvertes et accomplies par semaine",
            [labels.short_date(monday) for monday, _, _ in data.weekly],
            [
                Series("Ouvertes", PENDING_COLOUR, tuple(o for _, o, _ in data.weekly)),
                Series("Accomplies", DONE_COLOUR, tuple(c for _, _, c in data.weekly)),
            ],
        ),
    }


def _figures(
    request: Request,
    user: PageUser,
    du: str,
    au: str,
    commune: str,
    kind: str,
    departement: str = "",
) -> tuple[DashboardData, dict[str, str], date]:
    """The dashboard's figures for a manager, the filters as typed, and today."""
    _manager(user)
    try:
        filters, params = _filters(du, au, commune, kind, departement)
    except PeriodError as error:
        raise PageError(422, str(error), "Période invalide") from None
    today = today_in_paris()
    with Session(request.app.state.engine) as session:
        data = dashboard_data(session, user.scope, filters, labels.ACTORS, today)
    return data, params, today


@router.get("/tableau-de-bord")
def dashboard_page(
    request: Request,
    user: UserDep,
    du: str = "",
    au: str = "",
    commune: str = "",
    kind: str = "",
    page: str = "1",
    departement: str = "",
) -> Response:
    """Pending and overdue steps of what the organisation sees, with charts (managers)."""
    _manager(user)
    try:
        _filters(du, au, commune, kind)
    except PeriodError as error:
        typed = {"du": du[:20], "au": au[:20], "commune": commune[:10], "kind": kind[:50]}
        typed["departement"] = departement[:3]
        failed: dict[str, Any] = {"params": typed, "errors": {error.field: str(error)}}
        return _dashboard(request, user, failed, 422)
    data, params, today = _figures(request, user, du, au, commune, kind, departement)
    kept = {k: v for k, v in params.items() if v}

    def late_page(number: int) -> str:
        return "/tableau-de-bord?" + urlencode({**kept, "page": number}) + "#plus-anciens"

    number = page_number(page)
    context = {
        "data": data,
        "late": page_of(data.oldest_overdue, today, number, late_page),
        "charts": _charts(data),
        "org_names": {count.key: count.name for count in data.by_organisation},
        "params": params,
        "csv_url": "/tableau-de-bord.csv?" + urlencode(kept),
        "today": today,
        "link": partial(steps_link, params),
        "bands": list(enumerate(data.age_bands)),
    }
    return _dashboard(request, user, context)


def _dashboard(
    request: Request, user: PageUser, context: dict[str, Any], status: int = 200
) -> Response:
    settings = request.app.state.settings
    with Session(request.app.state.engine) as session:
        communes = visible_communes(session, user.scope)
        seen = visible_departements(communes)
        choices = departement_choices(session, seen) if len(seen) > 1 else []
        params = context["params"]
        departements = departements_in_view(
            session, params.get("commune"), params.get("departement"), user.scope
        )
    context |= {
        "communes": communes,
        "departements": choices,
        "conventions": in_view(load_conventions(settings.conventions_file), departements),
        "filtered": any(context["params"].values()),
        "filter_labels": FILTER_LABELS,
        "errors": context.get("errors", {}),
    }
    return render(request, "dashboard.html", context, user=user, status=status)


@router.get("/tableau-de-bord/etapes")
def dashboard_steps_page(
    request: Request,
    user: UserDep,
    du: str = "",
    au: str = "",
    commune: str = "",
    kind: str = "",
    etat: str = "",
    acteur: str = "",
    organisation: str = "",
    anciennete: str = "",
    etape: str = "",
    page: str = "1",
    departement: str = "",
) -> Response:
    """The steps a number of the dashboard counts, a page at a time (managers)."""
    typed = [du, au, commune, kind, departement]
    if etat == COMPLETED:
        return _completed_page(request, user, typed, etape[:100], page)
    data, params, today = _figures(request, user, *typed)
    query = {"etat": etat, "acteur": acteur, "organisation": organisation}
    selection = StepSelection.of(query | {"anciennete": anciennete})
    rows = [row for row in data.pending_rows if selection.keeps(row, today)]
    if selection.late:
        rows.sort(key=lambda row: (row.step.due or today, row.step.opened_on))
    kept = {k: v for k, v in params.items() if v} | {
        k: v for k, v in (query | {"anciennete": anciennete}).items() if v
    }

    def link(number: int) -> str:
        return "/tableau-de-bord/etapes?" + urlencode({**kept, "page": number})

    number = page_number(page)
    org_names = {count.key: count.name for count in data.by_organisation}
    context = {
        "late": page_of(rows, today, number, link),
        "org_names": org_names,
        "today": today,
        "selection": selection,
        "what": _described(selection, org_names, data),
        "back": "/tableau-de-bord?" + urlencode({k: v for k, v in params.items() if v}),
    }
    return render(request, "dashboard_steps.html", context, user=user)


def _completed_page(
    request: Request, user: PageUser, typed: list[str], key: str, page: str
) -> Response:
    """The completed steps of one key whose durations the dashboard counts."""
    _manager(user)
    try:
        filters, params = _filters(*typed)
    except PeriodError as error:
        raise PageError(422, str(error), "Période invalide") from None
    today = today_in_paris()
    with Session(request.app.state.engine) as session:
        rows = completed_steps(session, user.scope, filters, key)
        org_names = organisation_names(session, {row.step.org_id for row in rows})
    kept = {k: v for k, v in params.items() if v}
    query = {**kept, "etat": COMPLETED, "etape": key}

    def link(number: int) -> str:
        return "/tableau-de-bord/etapes?" + urlencode({**query, "page": number})

    label = rows[0].step.label if rows else key
    context = {
        "late": page_of(rows, today, page_number(page), link),
        "org_names": org_names,
        "today": today,
        "what": f"Étapes « {label} » accomplies",
        "back": "/tableau-de-bord?" + urlencode(kept),
    }
    return render(request, "dashboard_steps.html", context, user=user)


def _described(selection: StepSelection, org_names: dict[str, str], data: DashboardData) -> str:
    parts = ["Étapes en retard" if selection.late else "Étapes en attente"]
    if selection.actor:
        parts.append(f"de l'acteur « {labels.ACTORS.get(selection.actor, selection.actor)} »")
    if selection.organisation:
        name = org_names.get(selection.organisation, selection.organisation)
        parts.append(f"de l'organisation « {name} »")
    if selection.band is not None:
        parts.append(f"(retard : {data.age_bands[selection.band][0]})")
    return " ".join(parts)


@router.get("/tableau-de-bord.csv")
def dashboard_csv(
    request: Request,
    user: UserDep,
    du: str = "",
    au: str = "",
    commune: str = "",
    kind: str = "",
    departement: str = "",
) -> Response:
    """The pending steps behind the dashboard, as CSV (separator « ; », for spreadsheets)."""
    data, _, today = _figures(request, user, du, au, commune, kind, departement)
    names = {count.key: count.name for count in data.by_organisation}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in data.pending_rows:
        step, procedure = row.step, row.procedure
        late = (today - step.due).days if step.overdue and step.due else 0
        writer.writerow(
            [
                procedure.id,
                labels.KINDS.get(procedure.kind, procedure.kind),
                row.commune_name or procedure.commune_insee,
                row.bailleur_name or procedure.bailleur_id,
                step.label,
                labels.ACTORS.get(step.actor, step.actor),
                names.get(step.org_id, step.org_id),
                step.opened_on.isoformat(),
                step.due.isoformat() if step.due else "",
                "oui" if step.overdue else "non",
                late,
            ]
        )
    # The byte order mark lets spreadsheet programs read the accents as UTF-8.
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="tableau-de-bord-{today}.csv"',
            "Cache-Control": "no-store",
        },
    )
