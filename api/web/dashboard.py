"""The managers' dashboard: pending and overdue steps, lateness, durations, SVG charts, and
the CSV export of the pending steps."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.schemas import TaskPublic
from api.web import labels
from api.web.charts import Series, bar_chart, line_chart
from api.web.dashboard_figures import DashboardData, DashboardFilters, dashboard_data
from api.web.pages import PageError, PageUser, UserDep, render
from api.web.period import END_LABEL, START_LABEL, period_of
from api.web.procedures import visible_communes
from quietude.procedures import today_in_paris

router = APIRouter(include_in_schema=False)

PENDING_COLOUR = "#1d4e89"
OVERDUE_COLOUR = "#b3261e"
DONE_COLOUR = "#2e6b30"
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
    du: str, au: str, commune: str, kind: str
) -> tuple[DashboardFilters, dict[str, str], dict[str, str]]:
    """The filters to apply, the filters as typed (to show them again) and their errors."""
    period = period_of(du[:20], au[:20])
    filters = DashboardFilters(
        start=period.start,
        end=period.end,
        commune=commune[:10] or None,
        kind=kind if kind in labels.KINDS else None,
    )
    params = {
        "du": du[:20],
        "au": au[:20],
        "commune": filters.commune or "",
        "kind": filters.kind or "",
    }
    return filters, params, period.errors


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
    request: Request, user: PageUser, du: str, au: str, commune: str, kind: str
) -> tuple[DashboardData, dict[str, str], dict[str, str], date]:
    """The dashboard's figures for a manager, the filters as typed, their errors, and today."""
    _manager(user)
    filters, params, errors = _filters(du, au, commune, kind)
    today = today_in_paris()
    with Session(request.app.state.engine) as session:
        data = dashboard_data(session, user.scope, filters, labels.ACTORS, today)
    return data, params, errors, today


@router.get("/tableau-de-bord")
def dashboard_page(
    request: Request, user: UserDep, du: str = "", au: str = "", commune: str = "", kind: str = ""
) -> Response:
    """Pending and overdue steps of what the organisation sees, with charts (managers)."""
    data, params, errors, today = _figures(request, user, du, au, commune, kind)
    with Session(request.app.state.engine) as session:
        communes = visible_communes(session, user.scope)
    context = {
        "data": data,
        "oldest": [TaskPublic.of(row, today) for row in data.oldest_overdue],
        "charts": _charts(data),
        "org_names": {count.key: count.name for count in data.by_organisation},
        "params": params,
        "communes": communes,
        "csv_url": "/tableau-de-bord.csv?" + urlencode({k: v for k, v in params.items() if v}),
        "today": today,
        "filtered": any(params.values()),
        "errors": errors,
        "start_label": START_LABEL,
        "end_label": END_LABEL,
    }
    return render(request, "dashboard.html", context, user=user, status=422 if errors else 200)


@router.get("/tableau-de-bord.csv")
def dashboard_csv(
    request: Request, user: UserDep, du: str = "", au: str = "", commune: str = "", kind: str = ""
) -> Response:
    """The pending steps behind the dashboard, as CSV (separator « ; », for spreadsheets)."""
    data, _, errors, today = _figures(request, user, du, au, commune, kind)
    if errors:
        raise PageError(422, " ".join(errors.values()), "Période invalide")
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
