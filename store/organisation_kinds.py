"""The kind of each organisation, kept a short while: every request's scope starts from it."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlmodel import Session, col, select

from store.tables import Organisation

KEPT_SECONDS = 60.0
MAX_KEPT = 10_000


class OrganisationKinds:
    """Organisation kinds by id, each read from the read model at most once per `ttl` seconds.

    A kind is reference data (loaded by `quietude migrate` and `quietude reference import`):
    one changed there reaches the callers within `ttl`. What a kind lets an organisation see is
    still decided on every request, in SQL (`store.visibility`). An organisation not found is
    never kept, so that one added is seen on its next request.
    """

    def __init__(
        self,
        ttl: float = KEPT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_kept: int = MAX_KEPT,
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.max_kept = max_kept
        self._kinds: dict[str, tuple[str, float]] = {}  # org id -> (kind, kept until)

    def kept(self, org_id: str) -> str | None:
        """The kind of `org_id` if read less than `ttl` seconds ago, else None."""
        known = self._kinds.get(org_id)
        if known is None or known[1] <= self.clock():
            return None
        return known[0]

    def read(self, session: Session, org_id: str) -> str | None:
        """The kind of `org_id`, kept if still fresh, else read (None: unknown organisation)."""
        kind = self.kept(org_id)
        if kind is not None:
            return kind
        kind = session.exec(
            select(col(Organisation.kind)).where(col(Organisation.id) == org_id)
        ).first()
        if kind is None:
            self._kinds.pop(org_id, None)
            return None
        if len(self._kinds) >= self.max_kept:
            self._kinds.clear()  # ids come from signed tokens only; a bound all the same
        self._kinds[org_id] = (kind, self.clock() + self.ttl)
        return kind
