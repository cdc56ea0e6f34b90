"""The bailleur's register of sworn agents: the page with its filter, and its CSV export."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.routes.register import read_register
from api.web.pages import PageError, UserDep, render
from quietude.procedures import today_in_paris

router = APIRouter(include_in_schema=False)

MAX_MONTHS = 120
ROUTES = {
    "garde_particulier": "Garde particulier assermenté",
    "service_interne_securite": "Service interne de sécurité",
}


def months_of(text: str) -> tuple[int | None, str]:
    """The number of months of the filter, or None, and the error to show beside it."""
    text = text.strip()
    if not text:
        return None, ""
    # ASCII digits only (int() refuses "²"), and few: int() refuses 5,000 digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or int(text) > MAX_MONTHS:
        return None, f"Nombre de mois attendu, de 0 à {MAX_MONTHS}."
    return int(text), ""


def _register(request: Request, user: UserDep, months: int | None, format: str) -> Any:
    with Session(request.app.state.engine) as session:
        try:
            return read_register(session, user.claims, months, format)
        except HTTPException as error:
            raise PageError(error.status_code, str(error.detail), "Registre réservé") from None


# The label of the filter's input, read by the input and by the summary of its error.
FILTER_LABELS = {"fin_dans_mois": "Agrément finissant dans (mois)"}


@router.get("/assermentations")
def register_page(request: Request, user: UserDep, fin_dans_mois: str = "") -> Response:
    """The bailleur's sworn agents: route, résidences, offences, status, agrément, PVs."""
    months, error = months_of(fin_dans_mois)
    register = _register(request, user, months, "json")
    today = today_in_paris()
    horizon: date | None = today + relativedelta(months=months) if months is not None else None
    query = urlencode({"fin_dans_mois": months}) if months is not None else ""
    context = {
        "agents": register["items"],
        "total": register["total"],
        "routes": ROUTES,
        "params": {"fin_dans_mois": fin_dans_mois.strip()[:5]},
        "errors": {"fin_dans_mois": error} if error else {},
        "filter_labels": FILTER_LABELS,
        "months": months,
        "horizon": horizon,
        "today": today,
        "csv_url": "/assermentations.csv" + (f"?{query}" if query else ""),
    }
    return render(request, "registre.html", context, user=user, status=422 if error else 200)


@router.get("/assermentations.csv")
def register_csv(request: Request, user: UserDep, fin_dans_mois: str = "") -> Response:
    """The register as CSV (separator « ; »), with the filter of the page."""
    months, error = months_of(fin_dans_mois)
    if error:
        raise PageError(422, error, "Filtre invalide")
    response: Response = _register(request, user, months, "csv")
    return response
