"""The inbox of an organisation: its pending steps by due date, with filters."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.schemas import TaskPublic
from api.web import labels
from api.web.list_sorting import DIRECTIONS, SORT_CHOICES, asked_order, sort_headers
from api.web.pages import PageUser, UserDep, render
from api.web.procedure_view import FLASH
from api.web.saved_filters import saved_links
from domain.labels import collation_key
from quietude.procedures import today_in_paris
from store.colleagues import colleagues
from store.queries import TaskFilters, count_tasks, inbox
from store.visibility import search_tier

router = APIRouter(include_in_schema=False)

OVERDUE_CHOICES = {"oui": True, "non": False}


def _options(tasks: list[TaskPublic]) -> dict[str, list[tuple[str, str]]]:
    """The values each filter may take in this inbox, with their names."""
    steps = {t.key: t.label for t in tasks}
    communes = {t.commune.insee: t.commune.name or t.commune.insee for t in tasks}
    bailleurs = {t.bailleur.id: t.bailleur.name or t.bailleur.id for t in tasks}
    kinds = {t.kind: labels.KINDS.get(t.kind, t.kind) for t in tasks}

    def by_name(values: dict[str, str]) -> list[tuple[str, str]]:
        return sorted(values.items(), key=lambda item: collation_key(item[1]))

    return {
        "etape": by_name(steps),
        "commune": by_name(communes),
        "bailleur": by_name(bailleurs),
        "kind": by_name(kinds),
    }


@router.get("/corbeille")
def inbox_page(
    request: Request,
    user: UserDep,
    retard: str = "",
    kind: str = "",
    etape: str = "",
    commune: str = "",
    bailleur: str = "",
    mine: str = "",
    fait: str = "",
    procedure: str = "",
    confiees: str = "",
    q: str = "",
    tri: str = "",
    ordre: str = "",
) -> Response:
    """The pending steps of the user's organisation, nearest due date then oldest first, or in
    the order of the column asked for."""
    query = {"retard": retard, "kind": kind, "etape": etape, "commune": commune}
    query |= {"bailleur": bailleur, "mine": mine, "q": q, "tri": tri, "ordre": ordre}
    flash, answered = FLASH.get(fait, ""), procedure[:100] if fait == "etape" else ""
    if confiees.isascii() and confiees.isdigit() and len(confiees) <= 5:
        count = int(confiees)
        flash = f"{count} étape{'s' if count > 1 else ''} confiée{'s' if count > 1 else ''}."
    return render_inbox(request, user, query, flash=flash, answered=answered)


def render_inbox(
    request: Request,
    user: PageUser,
    query: dict[str, str],
    message: str = "",
    status: int = 200,
    flash: str = "",
    answered: str = "",
) -> Response:
    """The corbeille filtered by `query`, with a refusal `message` or a confirmation `flash`."""
    params = {
        "retard": query.get("retard", ""),
        "kind": query.get("kind", "")[:50],
        "etape": query.get("etape", "")[:100],
        "commune": query.get("commune", "")[:10],
        "bailleur": query.get("bailleur", "")[:100],
        "mine": "oui" if query.get("mine") == "oui" else "",
        "q": query.get("q", "")[:200],
    }
    filters = TaskFilters(
        overdue=OVERDUE_CHOICES.get(params["retard"]),
        kind=params["kind"] or None,
        step=params["etape"] or None,
        commune=params["commune"] or None,
        bailleur=params["bailleur"] or None,
        assignee=user.claims.sub if params["mine"] else None,
        q=params["q"] or None,
        tier=search_tier(user.org_kind, user.claims.role.value),
    )
    today = today_in_paris()
    filtered = any(params.values())
    order, sorting = asked_order(query.get("tri", ""), query.get("ordre", ""))
    with Session(request.app.state.engine) as session:
        # The whole inbox gives the choices of the filters; the filtered one, what is listed.
        all_rows = inbox(session, user.claims.org)
        listed = filtered or order is not None
        rows = inbox(session, user.claims.org, filters, order=order) if listed else all_rows
        people = colleagues(session, user.claims.org, user.claims.sub) if user.is_manager else []
    everything = [TaskPublic.of(row, today) for row in all_rows]
    kept = {name: value for name, value in params.items() if value} | sorting
    context: dict[str, Any] = {
        "tasks": [TaskPublic.of(row, today) for row in rows] if listed else everything,
        "overdue": count_tasks(rows).overdue,
        "total_all": len(everything),
        "options": _options(everything),
        "params": params,
        "filtered": filtered,
        "today": today,
        "people": [(sub, sub) for sub in people],
        "message": message,
        "flash": flash,
        "answered": answered,
        "sorting": sorting,
        "sort_directions": DIRECTIONS,
        "sort_choices": SORT_CHOICES["corbeille"],
        "headers": sort_headers("/corbeille", kept, order),
    }
    context |= saved_links(request, user, "corbeille", urlencode(kept))
    return render(request, "inbox.html", context, user=user, status=status)
