"""Retention (CNIL délibération 2014-123, art. 4): closed procedures past their period are
anonymised in the read model, their files deleted and their Temporal histories removed.

The periods are settings (`QUIETUDE_RETENTION_*_YEARS`); their defaults are UNCONF values to be
confirmed or set by the data protection officer.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from domain.contracts import ProcedureStatus
from domain.procedures import DEFINITIONS
from domain.steps import StepStatus
from quietude.settings import Settings
from store.access_log import SYSTEM, Action, append_in
from store.tables import Document, Event, Notification, Piece, Procedure, Step

log = logging.getLogger(__name__)

# Steps whose completion means a court gave a judgment: the file is then litigation data.
JUDGMENT_STEPS = frozenset(
    step.key for item in DEFINITIONS.values() for step in item.catalog.steps if step.judgment
)
CLOSED = (ProcedureStatus.CLOSED, ProcedureStatus.CANCELLED)
# What an anonymised procedure keeps of its facts: enough for aggregated statistics.
KEPT_FACTS = ("kind", "categorie")
KEPT_RESIDENCE = ("nom", "commune_insee")
ANONYMISED = "(anonymisé)"

HistoryDeleter = Callable[[str], Awaitable[bool]]


@dataclass
class Purged:
    """What was (or, in a dry run, would be) done to one procedure."""

    procedure_id: str
    kind: str
    rule: str  # "precontentieux" or "contentieux"
    closed_at: datetime
    expires_at: datetime
    documents: int = 0
    pieces: int = 0
    history_deleted: bool = False

    def line(self, dry_run: bool = False) -> str:
        """One line of the report, in French."""
        text = (
            f"{self.procedure_id} ({self.kind}, {self.rule}, close le "
            f"{self.closed_at.date().isoformat()}, conservation échue le "
            f"{self.expires_at.date().isoformat()}) : {self.documents} document(s), "
            f"{self.pieces} pièce(s)"
        )
        if dry_run:
            return text
        history = "supprimé" if self.history_deleted else "déjà absent"
        return f"{text}, historique Temporal {history}"


@dataclass
class PurgeReport:
    """The procedures concerned, and whether anything was changed."""

    dry_run: bool
    items: list[Purged] = field(default_factory=list)


def rule_of(session: Session, procedure: Procedure) -> str:
    """ "contentieux" if a judgment was given in the procedure, else "precontentieux"."""
    judged = session.exec(
        select(Step.id).where(
            col(Step.procedure_id) == procedure.id,
            col(Step.key).in_(JUDGMENT_STEPS),
            col(Step.status) == StepStatus.DONE,
        )
    ).first()
    return "contentieux" if judged else "precontentieux"


def retention_years(settings: Settings, kind: str, rule: str) -> int:
    """The retention period after closing, in years, for a procedure kind and rule."""
    if rule == "contentieux":
        return settings.retention_contentieux_years
    # QUIETUDE_RETENTION_<KIND>_YEARS, where the convention sets one for the kind.
    years = getattr(settings, f"retention_{kind}_years", settings.retention_contentieux_years)
    return int(years)


def expired(session: Session, settings: Settings, now: datetime) -> list[Purged]:
    """Closed procedures not yet anonymised whose retention period ended before `now`."""
    candidates = session.exec(
        select(Procedure)
        .where(
            col(Procedure.status).in_(CLOSED),
            col(Procedure.closed_at).is_not(None),
            col(Procedure.anonymised_at).is_(None),
        )
        .order_by(col(Procedure.closed_at), col(Procedure.id))
    ).all()
    found = []
    for procedure in candidates:
        assert procedure.closed_at is not None
        rule = rule_of(session, procedure)
        ends = procedure.closed_at + relativedelta(
            years=retention_years(settings, procedure.kind, rule)
        )
        if ends <= now:
            found.append(Purged(procedure.id, procedure.kind, rule, procedure.closed_at, ends))
    return found


def _anonymous_facts(facts: dict[str, Any]) -> dict[str, Any]:
    kept = {name: facts[name] for name in KEPT_FACTS if name in facts}
    residence = facts.get("residence") or facts.get("logement")
    if isinstance(residence, dict):
        kept["residence"] = {k: residence[k] for k in KEPT_RESIDENCE if k in residence}
    return kept


def _scrub(text: str, names: set[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, ANONYMISED)
    return text


def _remove(path: str) -> None:
    Path(path).unlink(missing_ok=True)


def anonymise(session: Session, item: Purged, var_dir: Path, now: datetime) -> None:
    """Empty the procedure of personal data and delete its files (in the session)."""
    procedure = session.get(Procedure, item.procedure_id)
    assert procedure is not None
    steps = session.exec(select(Step).where(col(Step.procedure_id) == procedure.id)).all()
    events = session.exec(select(Event).where(col(Event.procedure_id) == procedure.id)).all()
    pieces = session.exec(select(Piece).where(col(Piece.procedure_id) == procedure.id)).all()
    names = {s.completed_by for s in steps if s.completed_by}
    names |= {s.assignee_sub for s in steps if s.assignee_sub}
    names |= {e.sub for e in events if e.sub} | {p.created_by for p in pieces}
    procedure.facts = _anonymous_facts(procedure.facts)
    procedure.search_text = procedure.search_shared = procedure.search_full = ""
    # The diagnostics keep counting it by commune, period and category, never by hall.
    procedure.batiment = procedure.hall = None
    procedure.links = [
        link for link in procedure.links if isinstance(link, dict) and link.get("type") == "lien"
    ]
    procedure.anonymised_at = now
    session.add(procedure)
    for step in steps:
        step.data, step.comment, step.completed_by, step.assignee_sub = {}, None, None, None
        session.add(step)
    for event in events:
        event.sub, event.data, event.message = None, {}, _scrub(event.message, names)
        session.add(event)
    documents = session.exec(
        select(Document).where(col(Document.procedure_id) == procedure.id)
    ).all()
    for document in documents:
        _remove(document.path)
        session.delete(document)
    for piece in pieces:
        _remove(piece.path)
        session.delete(piece)
    shutil.rmtree(var_dir / "pieces" / procedure.id, ignore_errors=True)
    notifications = session.exec(
        select(Notification).where(col(Notification.procedure_id) == procedure.id)
    ).all()
    for notification in notifications:
        if notification.path:
            _remove(notification.path)
        session.delete(notification)
    item.documents, item.pieces = len(documents), len(pieces)


def _count(session: Session, table: type[Document] | type[Piece], procedure_id: str) -> int:
    return len(session.exec(select(table.id).where(table.procedure_id == procedure_id)).all())


async def purge(
    engine: Engine,
    settings: Settings,
    delete_history: HistoryDeleter | None,
    dry_run: bool,
    now: datetime | None = None,
) -> PurgeReport:
    """Apply the retention rules; in a dry run, only say what would be done."""
    moment = now or datetime.now(UTC)
    report = PurgeReport(dry_run=dry_run)
    with Session(engine) as session:
        report.items = expired(session, settings, moment)
        if dry_run:
            for item in report.items:
                item.documents = _count(session, Document, item.procedure_id)
                item.pieces = _count(session, Piece, item.procedure_id)
            return report
    for item in report.items:
        # The history first: if Temporal refuses, the read model keeps the procedure as it was
        # and the next run tries again.
        if delete_history is not None:
            item.history_deleted = await delete_history(item.procedure_id)
        with Session(engine) as session:
            anonymise(session, item, settings.var_dir, moment)
            append_in(
                session,
                SYSTEM,
                Action.PURGE,
                item.procedure_id,
                detail=f"{item.rule} ; {item.documents} document(s), {item.pieces} pièce(s)",
            )
            session.commit()
        log.info("Procédure %s anonymisée", item.procedure_id)
    return report


def temporal_deleter(client: Client, namespace: str) -> HistoryDeleter:
    """Deletes a procedure's workflow execution and its history; False when Temporal has none."""

    async def delete(workflow_id: str) -> bool:
        request = DeleteWorkflowExecutionRequest(
            namespace=namespace, workflow_execution=WorkflowExecution(workflow_id=workflow_id)
        )
        try:
            await client.workflow_service.delete_workflow_execution(request)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        return True

    return delete
