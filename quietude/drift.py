"""Drift between the open workflows and the read model: found by comparing each workflow's
state (query) with its rows, repaired by projecting the workflow's state again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select
from temporalio.client import Client

from activities.projection import ProjectionActivities
from domain.contracts import ProcedureSnapshot, ProcedureView
from store.tables import Event, Procedure, Step
from workflows.engine import ProcedureWorkflow

log = logging.getLogger("quietude")


@dataclass
class Drift:
    """The differences found for one procedure, in French."""

    procedure_id: str
    differences: list[str] = field(default_factory=list)
    repaired: bool = False


def snapshot_from_view(view: ProcedureView, row: Procedure) -> ProcedureSnapshot:
    """The projection payload of a queried state; the start facts come from the read model."""
    return ProcedureSnapshot(
        procedure_id=view.procedure_id,
        kind=view.kind,
        status=view.status,
        bailleur_id=view.bailleur_id,
        commune_insee=view.commune_insee,
        residence_nom=row.residence_nom,
        title=row.title,
        facts=row.facts,
        created_at=row.created_at,
        closed_at=view.closed_at,
        steps=view.steps,
        events=view.events,
        suggestions=view.suggestions,
        milestones=view.milestones,
        links=view.links,
    )


def compare(view: ProcedureView, session: Session) -> list[str]:
    """What the read model says differently from the workflow's state."""
    pid = view.procedure_id
    row = session.get(Procedure, pid)
    if row is None:
        return ["procédure absente du modèle de lecture"]
    differences = []
    if row.status != view.status.value:
        differences.append(f"statut : {row.status} au lieu de {view.status.value}")
    rows = {s.id: s for s in session.exec(select(Step).where(Step.procedure_id == pid)).all()}
    for state in view.steps:
        step_id = f"{pid}:{state.key}:{state.seq}"
        step = rows.pop(step_id, None)
        if step is None:
            differences.append(f"étape {state.key} ({state.seq}) absente")
            continue
        expected = {
            "statut": state.status.value,
            "issue": state.outcome,
            "échéance": state.due,
            "en retard": state.overdue,
        }
        actual = {
            "statut": step.status,
            "issue": step.outcome,
            "échéance": step.due,
            "en retard": step.overdue,
        }
        for name, value in expected.items():
            if actual[name] != value:
                differences.append(
                    f"étape {state.key} ({state.seq}), {name} : {actual[name]} au lieu de {value}"
                )
    differences += [f"étape {step.key} ({step.seq}) inconnue du workflow" for step in rows.values()]
    seqs = set(session.exec(select(Event.seq).where(Event.procedure_id == pid)).all())
    expected_seqs = {e.seq for e in view.events}
    if missing := sorted(expected_seqs - seqs):
        differences.append(f"événements manquants : {', '.join(map(str, missing))}")
    if extra := sorted(seqs - expected_seqs):
        differences.append(f"événements en trop : {', '.join(map(str, extra))}")
    return differences


def repair(view: ProcedureView, engine: Engine) -> bool:
    """Project the workflow's state again, removing rows it does not know; False if the
    procedure's row is missing (its start facts live only in the workflow's input)."""
    pid = view.procedure_id
    with Session(engine) as session:
        row = session.get(Procedure, pid)
        if row is None:
            return False
        snapshot = snapshot_from_view(view, row)
        known = [f"{pid}:{s.key}:{s.seq}" for s in view.steps]
        session.exec(  # type: ignore[call-overload]
            delete(Step).where(col(Step.procedure_id) == pid, col(Step.id).not_in(known))
        )
        session.exec(  # type: ignore[call-overload]
            delete(Event).where(col(Event.procedure_id) == pid, col(Event.seq) > len(view.events))
        )
        session.commit()
    ProjectionActivities(engine).project(snapshot)
    return True


async def check_drift(
    client: Client, engine: Engine, task_queue: str, *, repair_drift: bool = False
) -> list[Drift]:
    """Compare every open workflow of `task_queue` with the read model; repair on demand."""
    drifts = []
    query = f'ExecutionStatus = "Running" AND TaskQueue = "{task_queue}"'
    async for execution in client.list_workflows(query):
        handle = client.get_workflow_handle(execution.id)
        view = await handle.query(ProcedureWorkflow.state)
        with Session(engine) as session:
            differences = compare(view, session)
        if differences:
            drift = Drift(execution.id, differences)
            if repair_drift:
                drift.repaired = repair(view, engine)
            drifts.append(drift)
    return drifts


def report(drifts: list[Drift]) -> int:
    """Log the drifts in French; 0 when none is left, 1 otherwise."""
    for drift in drifts:
        log.warning("%s : %s", drift.procedure_id, " ; ".join(drift.differences))
        if drift.repaired:
            log.info("%s : reprojeté depuis le workflow", drift.procedure_id)
    left = [d for d in drifts if not d.repaired]
    if not drifts:
        log.info("Aucun écart entre les procédures ouvertes et le modèle de lecture.")
    elif left:
        log.warning("%d procédure(s) en écart (réparer avec --repair).", len(left))
    return 1 if left else 0
