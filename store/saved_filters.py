"""The filters people save on the list pages: each a query string under a name, seen and
deleted only by the person who saved it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from sqlmodel import Session, col, select

from store.tables import SavedFilter

NAME_MAX = 80
QUERY_MAX = 2000
VALUE_MAX = 200
# The parameters each page's filters, search and order are written with.
PAGE_PARAMETERS = {
    "procedures": ("q", "kind", "status", "overdue", "commune", "tri", "ordre"),
    "corbeille": ("q", "retard", "etape", "kind", "commune", "bailleur", "mine", "tri", "ordre"),
}


@dataclass(frozen=True)
class Owner:
    """Who saves and reads the filters: a person of an organisation."""

    org_id: str
    user_sub: str


def name_problem(name: str) -> str:
    """What is wrong with a filter's name, in French; empty if nothing."""
    if not name:
        return "Donner un nom au filtre (1 à 80 caractères)."
    if len(name) > NAME_MAX:
        return f"Le nom du filtre est trop long : {len(name)} caractères, 80 au plus."
    if any(not character.isprintable() for character in name):
        return "Le nom du filtre contient des caractères invisibles : l'écrire sans eux."
    return ""


def kept_query(page: str, query: str) -> str:
    """The query string with only the page's parameters, each non-empty and bounded."""
    allowed = PAGE_PARAMETERS[page]
    pairs = parse_qsl(query[: QUERY_MAX * 2], max_num_fields=50)
    kept = {name: value[:VALUE_MAX] for name, value in pairs if name in allowed and value}
    return urlencode(sorted(kept.items(), key=lambda pair: allowed.index(pair[0])))[:QUERY_MAX]


def saved_filters(session: Session, owner: Owner, page: str) -> list[SavedFilter]:
    """The filters the person saved for `page`, by name."""
    statement = (
        select(SavedFilter)
        .where(
            col(SavedFilter.org_id) == owner.org_id,
            col(SavedFilter.user_sub) == owner.user_sub,
            col(SavedFilter.page) == page,
        )
        .order_by(col(SavedFilter.name), col(SavedFilter.id))
    )
    return list(session.exec(statement))


def save_filter(session: Session, owner: Owner, page: str, name: str, query: str) -> SavedFilter:
    """Save `query` for `page` under `name`; a filter of the same name takes the new query."""
    statement = select(SavedFilter).where(
        col(SavedFilter.org_id) == owner.org_id,
        col(SavedFilter.user_sub) == owner.user_sub,
        col(SavedFilter.page) == page,
        col(SavedFilter.name) == name,
    )
    now = datetime.now(UTC)
    saved = session.exec(statement).first() or SavedFilter(
        org_id=owner.org_id,
        user_sub=owner.user_sub,
        page=page,
        name=name,
        query=query,
        created_at=now,
    )
    saved.query, saved.created_at = query, now
    session.add(saved)
    session.commit()
    session.refresh(saved)
    return saved


def delete_filter(session: Session, owner: Owner, filter_id: int) -> SavedFilter | None:
    """Delete the person's filter `filter_id`; None if they have no such filter."""
    saved = session.get(SavedFilter, filter_id)
    if saved is None or (saved.org_id, saved.user_sub) != (owner.org_id, owner.user_sub):
        return None
    session.delete(saved)
    session.commit()
    return saved
