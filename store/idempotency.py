"""Idempotency keys of step completions: a retried request is recognised across API restarts."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from store.tables import IdempotencyKey


def request_hash(procedure_id: str, step_key: str, body: dict[str, Any]) -> str:
    """A stable hash of what the request asks for."""
    canonical = json.dumps([procedure_id, step_key, body], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim(engine: Engine, org_id: str, key: str, digest: str) -> bool | None:
    """Record the key; True if new, False if seen with the same request, None if with another."""
    with Session(engine) as session:
        return claim_in(session, org_id, key, digest)


def claim_in(session: Session, org_id: str, key: str, digest: str) -> bool | None:
    """`claim` in the request's session (committed at once)."""
    session.add(
        IdempotencyKey(org_id=org_id, key=key, request_hash=digest, created_at=datetime.now(UTC))
    )
    try:
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
    known = session.get(IdempotencyKey, (org_id, key))
    assert known is not None
    return False if known.request_hash == digest else None
