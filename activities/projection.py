"""Projection of a procedure's state into the read model (idempotent upserts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select
from temporalio import activity

from domain.contracts import ProcedureSnapshot
from domain.procedures import readable_title
from domain.steps import StepState
from store.db import session_scope
from store.diagnostic_columns import procedure_columns, step_copies
from store.durations import count_durations
from store.search import write_search_texts
from store.tables import Event, Procedure, Step


class ProjectionActivities:
    """Writes snapshots of workflows to the read model; a retry writes nothing twice."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @activity.defn(name="project_procedure")
    def project(self, snapshot: ProcedureSnapshot) -> None:
        """Upsert the procedure, its steps (by procedure, key and sequence) and new events."""
        run_id = activity.info().workflow_run_id if activity.in_activity() else None
        with session_scope(self.engine) as session, session.no_autoflush:
            # The rows are written once, at the end, not flushed again before each read: none
            # of the reads below looks for a row this projection writes.
            procedure = session.get(Procedure, snapshot.procedure_id)
            if procedure is None:
                procedure = Procedure(
                    id=snapshot.procedure_id,
                    kind=snapshot.kind,
                    bailleur_id=snapshot.bailleur_id,
                    commune_insee=snapshot.commune_insee,
                    created_at=snapshot.created_at,
                    updated_at=snapshot.created_at,
                )
            apply_snapshot(procedure, snapshot)
            write_search_texts(session, procedure)
            procedure.workflow_run_id = run_id or procedure.workflow_run_id
            session.add(procedure)
            # Every row of the procedure, also those the snapshot no longer names: the duration
            # counts are kept for the steps as the read model holds them.
            rows = {
                row.id: row
                for row in session.exec(
                    select(Step).where(col(Step.procedure_id) == snapshot.procedure_id)
                )
            }
            copies = step_copies(procedure)
            for state in snapshot.steps:
                step_id = f"{snapshot.procedure_id}:{state.key}:{state.seq}"
                step = rows.get(step_id) or Step(
                    id=step_id,
                    procedure_id=snapshot.procedure_id,
                    key=state.key,
                    seq=state.seq,
                    label=state.label,
                    actor=state.actor.value,
                    org_id=state.org,
                    opened_at=state.opened_at,
                    opened_on=state.opened_on,
                    position=state.position,
                )
                assign(step, step_values(state) | copies)
                session.add(step)
                rows[step_id] = step
            seqs = [record.seq for record in snapshot.events]
            known = set(
                session.exec(
                    select(Event.seq).where(
                        col(Event.procedure_id) == snapshot.procedure_id, col(Event.seq).in_(seqs)
                    )
                )
                if seqs
                else ()
            )
            for record in snapshot.events:
                if record.seq not in known:
                    session.add(
                        Event(
                            procedure_id=snapshot.procedure_id,
                            seq=record.seq,
                            at=record.at,
                            type=record.type,
                            step_key=record.step_key,
                            org_id=record.org,
                            sub=record.sub,
                            message=record.message,
                            data=record.data,
                        )
                    )
            count_durations(session, procedure, rows.values())


def apply_snapshot(procedure: Procedure, snapshot: ProcedureSnapshot) -> None:
    """Copy the snapshot's fields and the derived list columns onto the procedure row."""
    pending = [s for s in snapshot.steps if s.pending]
    dues = [s.due for s in pending if s.due is not None]
    procedure.status = snapshot.status.value
    procedure.residence_nom = snapshot.residence_nom
    procedure.title = readable_title(snapshot.title)
    procedure.facts = snapshot.facts
    procedure.closed_at = snapshot.closed_at
    procedure.next_due = min(dues) if dues else None
    procedure.overdue = any(s.overdue for s in pending)
    procedure.pending_actors = " ".join(sorted({s.actor.value for s in pending}))
    procedure.links = [{"type": "suggestion", "kind": k} for k in snapshot.suggestions] + [
        {"type": "lien", **link.model_dump()} for link in snapshot.links
    ]
    procedure.milestones = [m.model_dump(mode="json") for m in snapshot.milestones]
    columns = procedure_columns(
        snapshot.kind, snapshot.facts, (s.opened_on for s in snapshot.steps), snapshot.created_at
    )
    for name, value in columns.items():
        setattr(procedure, name, value)
    if snapshot.events:
        procedure.updated_at = max(procedure.updated_at, max(e.at for e in snapshot.events))


def assign(row: Any, values: dict[str, Any]) -> None:
    """Set on `row` the values that differ from its own: an unchanged attribute costs neither
    the table model's attribute machinery nor a comparison at the flush."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def step_values(state: StepState) -> dict[str, Any]:
    """A step's columns taken from its state."""
    return {
        "org_id": state.org,
        "assignee_sub": state.assignee_sub,
        "status": state.status.value,
        "due": state.due,
        "due_explanation": state.due_explanation,
        "overdue": state.overdue,
        "outcome": state.outcome,
        "implicite": state.implicite,
        "completed_at": state.completed_at,
        "completed_on": state.completed_on,
        "completed_by": state.completed_by,
        "completed_by_org": state.completed_by_org,
        "data": state.data,
        "comment": state.comment,
        "legal_basis": state.legal_basis,
    }
