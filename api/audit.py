"""Recording in the access log what a caller read, downloaded or did (one call per route)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine
from sqlmodel import Session

from quietude.tokens import Claims
from store.access_log import Action, Actor, append_in

__all__ = ["Action", "record", "record_all"]


def _actor(caller: Claims) -> Actor:
    return Actor(sub=caller.sub, org=caller.org, role=str(caller.role))


def record(
    where: Engine | Session,
    caller: Claims,
    action: str,
    procedure_id: str | None = None,
    target: str | None = None,
) -> None:
    """Append one entry for the caller and commit it (in the request's session if given)."""
    if isinstance(where, Session):
        append_in(where, _actor(caller), action, procedure_id, target)
        where.commit()
        return
    record_all(where, caller, action, [(procedure_id, target)])


def record_all(
    engine: Engine,
    caller: Claims,
    action: str,
    items: Iterable[tuple[str | None, str | None]],
) -> None:
    """Append one entry per (procedure, target) for the caller, in one transaction."""
    with Session(engine) as session:
        for procedure_id, target in items:
            append_in(session, _actor(caller), action, procedure_id, target)
        session.commit()
