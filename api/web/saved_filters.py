"""Saving the filters, search and order of a list page under a name, and deleting them: each
saved filter is a plain address of the page, to follow or to share."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.web.pages import FormDep, PageError, PageUser, UserDep, see_other
from store.saved_filters import (
    PAGE_PARAMETERS,
    Owner,
    delete_filter,
    kept_query,
    name_problem,
    save_filter,
    saved_filters,
)

router = APIRouter(include_in_schema=False)

NOT_SAVED = "Filtre non enregistré"
UNKNOWN_PAGE = "Page inconnue : seules les procédures et « À traiter » gardent des filtres."


def owner_of(user: PageUser) -> Owner:
    """The person whose filters a page shows."""
    return Owner(org_id=user.claims.org, user_sub=user.claims.sub)


def page_address(page: str, query: str) -> str:
    """The address of a list page with its query string."""
    return f"/{page}?{query}" if query else f"/{page}"


def saved_links(request: Request, user: PageUser, page: str, query: str) -> dict[str, object]:
    """What the pages show of the saved filters: the person's own, and the query to save."""
    with Session(request.app.state.engine) as session:
        mine = saved_filters(session, owner_of(user), page)
    return {
        "saved_page": page,
        "saved_query": kept_query(page, query),
        "saved": [(s.id, s.name, page_address(page, s.query)) for s in mine],
    }


@router.post("/filtres")
def save(request: Request, user: UserDep, form: FormDep) -> Response:
    """Save the filters, search and order of a list page under a name."""
    page = str(form.get("page", ""))
    if page not in PAGE_PARAMETERS:
        raise PageError(422, UNKNOWN_PAGE, NOT_SAVED)
    name = str(form.get("nom", "")).strip()
    problem = name_problem(name[:1000])
    if problem:
        raise PageError(422, problem, NOT_SAVED)
    query = kept_query(page, str(form.get("requete", "")))
    with Session(request.app.state.engine) as session:
        save_filter(session, owner_of(user), page, name, query)
    return see_other(page_address(page, query))


@router.post("/filtres/{filter_id}/supprimer")
def delete(request: Request, user: UserDep, form: FormDep, filter_id: str) -> Response:
    """Delete one of the person's saved filters (the form is checked for its CSRF token)."""
    digits = filter_id.isascii() and filter_id.isdigit() and len(filter_id) < 10
    number = int(filter_id) if digits else 0
    with Session(request.app.state.engine) as session:
        deleted = delete_filter(session, owner_of(user), number)
    if deleted is None:
        message = "Ce filtre n'existe pas ou ne vous appartient pas."
        raise PageError(404, message, "Filtre introuvable")
    return see_other(f"/{deleted.page}")
