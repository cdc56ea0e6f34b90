"""The list of procedures with its filters, and the page of one procedure."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from api.deps import SettingsDep
from api.query_bounds import MAX_PAGE
from api.schemas import ProcedureSummary
from api.web import labels
from api.web.list_sorting import DIRECTIONS, SORT_CHOICES, asked_order, sort_headers
from api.web.pages import UserDep, render
from api.web.procedure_view import FLASH, procedure_context
from api.web.saved_filters import saved_links
from domain.labels import collation_key
from domain.territory import departement_of
from store.departement_filter import departement_choices
from store.queries import ProcedureFilters, list_procedures
from store.tables import Commune, Procedure
from store.visibility import Scope, scope_clause

router = APIRouter(include_in_schema=False)

PER_PAGE = 25
OVERDUE_CHOICES = {"oui": True, "non": False}


def page_number(text: str) -> int:
    """The page asked for, at most MAX_PAGE; 1 if the text is no page number."""
    # ASCII digits only (int() refuses "²"), and no int() of a 5,000-digit number.
    if not text.isascii() or not text.isdigit():
        return 1
    if len(text) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(text), 1), MAX_PAGE)


def visible_communes(session: Session, scope: Scope) -> list[tuple[str, str]]:
    """The communes of the procedures the scope sees, by name (for the filters)."""
    statement = select(col(Commune.insee), col(Commune.name)).where(
        col(Commune.insee).in_(
            select(col(Procedure.commune_insee)).where(scope_clause(scope)).distinct()
        )
    )
    return sorted(session.exec(statement), key=lambda commune: collation_key(commune[1]))


def visible_departements(communes: list[tuple[str, str]]) -> list[str]:
    """The départements of `communes` (those of the procedures a scope sees), in order."""
    return sorted({departement_of(insee) for insee, _ in communes})


def _filters(params: dict[str, str], departements: list[str]) -> ProcedureFilters:
    return ProcedureFilters(
        kind=params["kind"] if params["kind"] in labels.KINDS else None,
        status=params["status"] if params["status"] in labels.STATUSES else None,
        commune=params["commune"][:10] or None,
        overdue=OVERDUE_CHOICES.get(params["overdue"]),
        q=params["q"][:200] or None,
        departement=params["departement"] if params["departement"] in departements else None,
    )


@router.get("/procedures")
def procedure_list(
    request: Request,
    user: UserDep,
    kind: str = "",
    status: str = "",
    overdue: str = "",
    commune: str = "",
    departement: str = "",
    q: str = "",
    page: str = "1",
    tri: str = "",
    ordre: str = "",
) -> Response:
    """The procedures the user's organisation sees, filtered, nearest due date first or in the
    order of the column asked for."""
    params = {"kind": kind, "status": status, "overdue": overdue, "commune": commune, "q": q}
    params["departement"] = departement
    number = page_number(page)
    order, sorting = asked_order(tri, ordre)
    with Session(request.app.state.engine) as session:
        communes = visible_communes(session, user.scope)
        departements = visible_departements(communes)
        filters = _filters(params, departements)
        found = list_procedures(session, user.scope, filters, number, PER_PAGE, order)
        pages = max(1, -(-found.total // PER_PAGE))
        if number > pages:  # past the end (an old link, a hand-typed number): the last page
            number = pages
            found = list_procedures(session, user.scope, filters, number, PER_PAGE, order)
        # A département filter only where the procedures seen lie in more than one.
        choices = departement_choices(session, departements) if len(departements) > 1 else []
    kept = {name: value for name, value in params.items() if value} | sorting

    def link(to: int) -> str:
        return "/procedures?" + urlencode({**kept, "page": to})

    context: dict[str, Any] = {
        "items": [ProcedureSummary.of(row) for row in found.rows],
        "total": found.total,
        "capped": found.capped,
        "params": params,
        "communes": communes,
        "departements": choices,
        "page": number,
        "pages": pages,
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if number < pages else None,
        "filtered": any(params.values()),
        "sorting": sorting,
        "sort_directions": DIRECTIONS,
        "sort_choices": SORT_CHOICES["procedures"],
        "headers": sort_headers("/procedures", kept, order),
    }
    context |= saved_links(request, user, "procedures", urlencode(kept))
    return render(request, "procedures.html", context, user=user)


@router.get("/procedures/{procedure_id}")
def procedure_page(
    request: Request, user: UserDep, settings: SettingsDep, procedure_id: str, fait: str = ""
) -> Response:
    """A procedure: facts, steps and due dates, timeline, documents, forms of the user."""
    with Session(request.app.state.engine) as session:
        context = procedure_context(session, settings, user, procedure_id[:100])
    context["flash"] = FLASH.get(fait, "")
    return render(request, "procedure.html", context, user=user)
