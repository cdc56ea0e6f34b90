"""The access log: append-only, each entry chained to the previous one by a SHA-256 hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, delete, or_, text
from sqlmodel import Session, col, func, select

from store.tables import AccessEntry, Procedure

GENESIS = "0" * 64
# Any constant shared by every process writing the log: the key of its PostgreSQL lock.
ADVISORY_LOCK_KEY = 0x51554945  # "QUIE"
CSV_FIELDS = ("seq", "at", "sub", "org", "role", "action", "procedure_id", "target", "detail")


class Action:
    """What was done: the values of `AccessEntry.action`."""

    READ = "lecture"
    DOCUMENT = "telechargement_document"
    PIECE = "telechargement_piece"
    DOSSIER = "telechargement_dossier"
    UPLOAD = "depot_piece"
    COMPLETE = "etape_accomplie"
    CANCEL = "retrait"
    DECLARE = "declaration"
    ASSIGN = "affectation"
    START = "ouverture"
    PURGE = "purge"


@dataclass(frozen=True)
class Actor:
    """Who acts: the claims of a token, or the system for commands."""

    sub: str
    org: str
    role: str


SYSTEM = Actor(sub="systeme", org="quietude", role="systeme")


def _stamp(at: datetime) -> str:
    # Microseconds dropped: what is hashed must be exactly what every backend stores.
    return at.astimezone(UTC).replace(microsecond=0).isoformat()


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 of the previous hash followed by the canonical JSON of an entry's fields."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _fields(entry: AccessEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": _stamp(entry.at),
        "sub": entry.sub,
        "org": entry.org,
        "role": entry.role,
        "action": entry.action,
        "procedure_id": entry.procedure_id,
        "target": entry.target,
        "detail": entry.detail,
    }


def _lock_chain(session: Session) -> None:
    """Hold the log's write lock until the end of the transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        )
    else:
        # A write statement takes SQLite's one write lock (the driver opens the transaction
        # before it), so no other writer reads the same head until we commit.
        session.exec(delete(AccessEntry).where(col(AccessEntry.seq) < 0))  # type: ignore[call-overload]


def append_in(
    session: Session,
    actor: Actor,
    action: str,
    procedure_id: str | None = None,
    target: str | None = None,
    detail: str = "",
    at: datetime | None = None,
) -> AccessEntry:
    """Append an entry in the session's transaction (committed by the caller)."""
    _lock_chain(session)
    head = session.exec(select(AccessEntry).order_by(col(AccessEntry.seq).desc()).limit(1)).first()
    entry = AccessEntry(
        seq=(head.seq + 1) if head else 1,
        at=(at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0),
        sub=actor.sub,
        org=actor.org,
        role=actor.role,
        action=action,
        procedure_id=procedure_id,
        target=target,
        detail=detail,
        prev_hash=head.hash if head else GENESIS,
        hash="",
    )
    entry.hash = entry_hash(entry.prev_hash, _fields(entry))
    session.add(entry)
    session.flush()
    return entry


def append(
    engine: Engine,
    actor: Actor,
    action: str,
    procedure_id: str | None = None,
    target: str | None = None,
    detail: str = "",
) -> AccessEntry:
    """Append an entry in a transaction of its own and commit it."""
    with Session(engine, expire_on_commit=False) as session:
        entry = append_in(session, actor, action, procedure_id, target, detail)
        session.commit()
        return entry


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain: entries read, and the first broken one if any."""

    count: int
    broken_seq: int | None = None
    reason: str = ""


def _entries(session: Session, batch: int = 1000) -> Iterator[AccessEntry]:
    last = 0
    while True:
        rows = session.exec(
            select(AccessEntry)
            .where(col(AccessEntry.seq) > last)
            .order_by(col(AccessEntry.seq))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(session: Session) -> Verification:
    """Recompute the chain: each entry follows the previous one and its hash is its own."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for entry in _entries(session):
        if entry.seq != expected_seq:
            return Verification(count, expected_seq, "entrée manquante")
        if entry.prev_hash != prev_hash:
            return Verification(count, entry.seq, "chaînage rompu avec l'entrée précédente")
        if entry_hash(prev_hash, _fields(entry)) != entry.hash:
            return Verification(count, entry.seq, "contenu modifié")
        prev_hash, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    return Verification(count)


def visible_to_clause(org_id: str) -> ColumnElement[bool]:
    """Entries an organisation's admin may read: made by its users or about its procedures."""
    own_procedures = select(col(Procedure.id)).where(col(Procedure.bailleur_id) == org_id)
    return or_(col(AccessEntry.org) == org_id, col(AccessEntry.procedure_id).in_(own_procedures))


def entries_for(
    session: Session,
    org_id: str | None = None,
    since: datetime | None = None,
    page: int = 1,
    per_page: int | None = None,
) -> tuple[list[AccessEntry], int]:
    """Entries (of one organisation, since a date), newest last, with their total count."""
    conditions: list[ColumnElement[bool]] = []
    if org_id is not None:
        conditions.append(visible_to_clause(org_id))
    if since is not None:
        conditions.append(col(AccessEntry.at) >= since)
    total = session.exec(select(func.count()).select_from(AccessEntry).where(*conditions)).one()
    statement = select(AccessEntry).where(*conditions).order_by(col(AccessEntry.seq))
    if per_page is not None:
        statement = statement.offset((page - 1) * per_page).limit(per_page)
    return list(session.exec(statement).all()), int(total)


def csv_row(entry: AccessEntry) -> list[str]:
    """The cells of an entry in the CSV export, in the order of CSV_FIELDS."""
    values = _fields(entry)
    return ["" if values[name] is None else str(values[name]) for name in CSV_FIELDS]
