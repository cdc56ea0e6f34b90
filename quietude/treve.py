"""The end of the trêve hivernale per year (CPCE L. 412-6) as reference data an administrator
changes at run time: recorded in the read model, given to each new procedure, and delivered to
the running procedures whose dates depend on it, which recompute their pending expulsion."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from domain.calendar import TreveHivernale
from domain.contracts import Policy, PolicyRevision, ProcedureStatus, ProcedureView
from domain.procedures import DEFINITIONS
from domain.territory import departement_of
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
    return [procedure_id for procedure_id, _ in _running(session)]


def _running(session: Session) -> list[tuple[str, str]]:
    """The open procedures whose dates depend on the trêve, with their commune."""
    kinds = [kind.value for kind, spec in DEFINITIONS.items() if spec.uses_treve]
    return list(
        session.exec(
            select(Procedure.id, Procedure.commune_insee)
            .where(col(Procedure.kind).in_(kinds), Procedure.status == ProcedureStatus.OPEN.value)
            .order_by(col(Procedure.id))
        ).all()
    )


def revision_for(
    revision: PolicyRevision, commune_insee: str, regular_ends: Mapping[str, tuple[int, int]]
) -> PolicyRevision:
    """The revision as a procedure of `commune_insee` receives it: the trêve's usual end of
    its département's convention kept, where that convention sets one."""
    try:
        end = regular_ends.get(departement_of(commune_insee))
    except ValueError:
        end = None
    if end is None:
        return revision
    treve = revision.treve.model_copy(update={"end_month": end[0], "end_day": end[1]})
    return revision.model_copy(update={"treve": treve})


def _revisions(view: ProcedureView) -> int:
    return sum(event.type == "policy_revised" for event in view.events)


async def deliver(
    client: Client,
    engine: Engine,
    revision: PolicyRevision,
    regular_ends: Mapping[str, tuple[int, int]] | None = None,
) -> TreveDelivery:
    """Send the trêve to every running procedure that depends on it (`revise_policy`); one that
    already has it ignores it, one that closed meanwhile is left out. `regular_ends`: the usual
    end (month, day) of the départements whose convention sets its own."""
    with Session(engine) as session:
        running = _running(session)
    delivery = TreveDelivery()
    for procedure_id, commune_insee in running:
        handle = client.get_workflow_handle(procedure_id)
        own = revision_for(revision, commune_insee, regular_ends or {})
        try:
            before: ProcedureView = await handle.query(ProcedureWorkflow.state)
            after = await handle.execute_update(ProcedureWorkflow.revise_policy, own)
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
    client: Client,
    engine: Engine,
    base: TreveHivernale,
    change: TreveChange,
    regular_ends: Mapping[str, tuple[int, int]] | None = None,
) -> TreveDelivery:
    """Record the end of a winter's trêve, then deliver the whole trêve to the running
    procedures (sending the same change again is harmless: it completes a failed delivery);
    `regular_ends` as `deliver` takes them."""
    with session_scope(engine) as session:
        record_end(session, change)
        treve = treve_now(session, base)
    revision = PolicyRevision(treve=treve, reason=revision_reason(change), sub=change.sub)
    return await deliver(client, engine, revision, regular_ends)
