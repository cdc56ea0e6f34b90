"""The end of the trêve hivernale per year (CPCE L. 412-6) as reference data an administrator
changes at run time: recorded in the read model, given to each new procedure, and delivered to
the running procedures whose dates depend on it, which recompute their pending expulsion."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from domain.calendar import TreveHivernale
from domain.contracts import Policy, PolicyRevision, ProcedureStatus, ProcedureView
from domain.procedures import DEFINITIONS
from store.db import session_scope
from store.tables import Procedure, TreveEnd
from workflows.engine import ProcedureWorkflow

log = logging.getLogger(__name__)

# The law's end (CPCE L. 412-6): a text may only push it later, and no later than the day
# before the next winter's trêve begins (1 November).
LAW_END = (3, 31)
LATEST_END = (10, 31)
FIRST_YEAR, LAST_YEAR = 2000, 2100
REASON_MAX_LENGTH = 300


class TreveRefused(Exception):
    """A change of the trêve the law does not allow (message in French, HTTP 422)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TreveChange(BaseModel):
    """The end of one winter's trêve moved by a text, as an administrator records it."""

    year: int
    ends_on: date
    reason: str = Field(default="", max_length=REASON_MAX_LENGTH)
    sub: str


class TreveDelivery(BaseModel):
    """What the running procedures did with a trêve delivered to them."""

    updated: list[str] = Field(default_factory=list)  # their trêve changed
    unchanged: list[str] = Field(default_factory=list)  # they had it already
    failed: list[str] = Field(default_factory=list)  # not reached: send the change again


def day_text(d: date) -> str:
    """A date as people read it in messages: 31/05/2027."""
    return d.strftime("%d/%m/%Y")


def change_refusal(year: int, ends_on: date) -> str | None:
    """Why the law does not let the trêve ending in `year` end on `ends_on` (French), or None."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"Année {year} invalide : une année entre {FIRST_YEAR} et {LAST_YEAR} est attendue."
    law_end, latest = date(year, *LAW_END), date(year, *LATEST_END)
    if ends_on < law_end:
        return (
            f"Fin de la trêve {year} impossible le {day_text(ends_on)} : la trêve hivernale dure "
            f"au moins jusqu'au {day_text(law_end)} (art. L. 412-6 CPCE), un texte ne peut que "
            "la prolonger."
        )
    if ends_on > latest:
        return (
            f"Fin de la trêve {year} impossible le {day_text(ends_on)} : elle doit être fixée au "
            f"plus tard le {day_text(latest)}, veille de la trêve suivante."
        )
    return None


def recorded_ends(session: Session) -> list[TreveEnd]:
    """Every winter whose end was moved, by year."""
    return list(session.exec(select(TreveEnd).order_by(col(TreveEnd.year))).all())


def record_end(session: Session, change: TreveChange, now: datetime | None = None) -> TreveEnd:
    """Record the end of one winter's trêve (TreveRefused if the law forbids it); recording
    the same end with the same reason again changes nothing."""
    refusal = change_refusal(change.year, change.ends_on)
    if refusal:
        raise TreveRefused(refusal)
    row = session.get(TreveEnd, change.year)
    if row is not None and (row.ends_on, row.reason) == (change.ends_on, change.reason):
        return row
    at = now or datetime.now(UTC)
    if row is None:
        row = TreveEnd(
            year=change.year, ends_on=change.ends_on, changed_by=change.sub, changed_at=at
        )
    row.ends_on, row.reason = change.ends_on, change.reason
    row.changed_by, row.changed_at = change.sub, at
    session.add(row)
    session.flush()
    return row


def treve_now(session: Session, base: TreveHivernale) -> TreveHivernale:
    """The convention's trêve (`base`, from the settings) with every end a text moved."""
    ends = {row.year: row.ends_on for row in recorded_ends(session)}
    return base.model_copy(update={"ends": ends})


def policy_now(session: Session, policy: Policy) -> Policy:
    """The policy a procedure starting now freezes: the trêve as it now stands."""
    return policy.model_copy(update={"treve": treve_now(session, policy.treve)})


def revision_reason(change: TreveChange) -> str:
    """What the procedures' timelines say moved the trêve."""
    return change.reason or f"fin de la trêve {change.year} fixée au {day_text(change.ends_on)}"


def running_procedures(session: Session) -> list[str]:
    """The open procedures of every kind whose dates depend on the trêve."""
    kinds = [kind.value for kind, spec in DEFINITIONS.items() if spec.uses_treve]
    return list(
        session.exec(
            select(Procedure.id)
            .where(col(Procedure.kind).in_(kinds), Procedure.status == ProcedureStatus.OPEN.value)
            .order_by(col(Procedure.id))
        ).all()
    )


def _revisions(view: ProcedureView) -> int:
    return sum(event.type == "policy_revised" for event in view.events)


async def deliver(client: Client, engine: Engine, revision: PolicyRevision) -> TreveDelivery:
    """Send the trêve to every running procedure that depends on it (`revise_policy`); one that
    already has it ignores it, one that closed meanwhile is left out."""
    with Session(engine) as session:
        procedure_ids = running_procedures(session)
    delivery = TreveDelivery()
    for procedure_id in procedure_ids:
        handle = client.get_workflow_handle(procedure_id)
        try:
            before: ProcedureView = await handle.query(ProcedureWorkflow.state)
            after = await handle.execute_update(ProcedureWorkflow.revise_policy, revision)
        except (WorkflowUpdateFailedError, RPCError) as error:
            if "completed" in str(error).lower() or "not found" in str(error).lower():
                continue  # closed since the read model was projected
            log.warning("trêve not delivered to %s: %s", procedure_id, error)
            delivery.failed.append(procedure_id)
            continue
        changed = _revisions(after) > _revisions(before)
        (delivery.updated if changed else delivery.unchanged).append(procedure_id)
    return delivery


async def change_end(
    client: Client, engine: Engine, base: TreveHivernale, change: TreveChange
) -> TreveDelivery:
    """Record the end of a winter's trêve, then deliver the whole trêve to the running
    procedures (sending the same change again is harmless: it completes a failed delivery)."""
    with session_scope(engine) as session:
        record_end(session, change)
        treve = treve_now(session, base)
    revision = PolicyRevision(treve=treve, reason=revision_reason(change), sub=change.sub)
    return await deliver(client, engine, revision)
