"""The people known for an organisation: those its access log names and those its steps were
assigned to (the identity provider keeps the staff; the read model knows who has acted)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.tables import AccessEntry, Step


def colleagues(session: Session, org_id: str, also: str = "") -> list[str]:
    """The people (subs) of `org_id` who acted or were assigned a step, and `also` (the
    person asking), sorted."""
    logged = select(col(AccessEntry.sub)).where(col(AccessEntry.org) == org_id).distinct()
    assigned = (
        select(col(Step.assignee_sub))
        .where(col(Step.org_id) == org_id, col(Step.assignee_sub).is_not(None))
        .distinct()
    )
    people = {also, *session.exec(logged), *session.exec(assigned)}
    return sorted(sub for sub in people if sub)
