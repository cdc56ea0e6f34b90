"""What the document templates built from the read model receive (bordereau de pièces,
récapitulatif de procédure), with the French wordings of their codes and the dossier's
numbered entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from activities.court_dossier import CourtEntry, court_entries
from domain.actors import Actor
from domain.contracts import ProcedureStatus
from domain.documents import FILE_DOCUMENTS, told_message
from domain.kinds import ProcedureKind
from domain.labels import humanise, wording
from domain.procedures import find, readable_title
from domain.steps import StepStatus
from store.queries import organisation_names, steps_and_events
from store.tables import Commune, Procedure, Step

PARIS = ZoneInfo("Europe/Paris")
# Documents whose context the activity reads from the read model, given only
# {"procedure_id", "date_document"}.
READ_MODEL_KINDS = FILE_DOCUMENTS
SHORT_SHA256 = 12


def outcome_label(kind: str, step_key: str, outcome: str | None) -> str:
    """The French label of a step's outcome, from the procedure's catalogue if it has one."""
    if not outcome:
        return ""
    definition = find(kind)
    if definition is not None:
        catalog = definition.catalog
        if catalog.has(step_key):
            chosen = catalog.spec(step_key).outcome(outcome)
            if chosen is not None:
                return chosen.label
        declared = catalog.declaration(outcome)
        if declared is not None:
            return declared.label
    return humanise(outcome)


def paris_date(moment: datetime) -> str:
    """The ISO date of an instant, in Paris."""
    return moment.astimezone(PARIS).date().isoformat()


def _step_context(step: Step, kind: str, names: dict[str, str]) -> dict[str, Any]:
    return {
        "key": step.key,
        "seq": step.seq,
        "label": step.label,
        "actor": step.actor,
        "actor_label": wording(Actor, step.actor),
        "org_id": step.org_id,
        "org": names.get(step.org_id, step.org_id),
        "status": step.status,
        "status_label": wording(StepStatus, step.status),
        "opened_on": step.opened_on.isoformat(),
        "due": step.due.isoformat() if step.due else None,
        "due_explanation": step.due_explanation,
        "overdue": step.overdue,
        "legal_basis": step.legal_basis,
        "outcome": step.outcome,
        "outcome_label": outcome_label(kind, step.key, step.outcome),
        "implicite": step.implicite,
        "completed_on": step.completed_on.isoformat() if step.completed_on else None,
        "comment": step.comment,
    }


def _entry_context(entry: CourtEntry) -> dict[str, Any]:
    return {
        "numero": entry.numero,
        "fichier": entry.name,
        "id": entry.id,
        "title": entry.title,
        "kind": entry.kind,
        "kind_label": entry.kind_label,
        "filename": entry.filename,
        "content_type": entry.content_type,
        "size": entry.size,
        "date": entry.date,
        "sha256": entry.sha256,
        "sha256_court": entry.sha256[:SHORT_SHA256],
    }


def read_model_context(session: Session, procedure_id: str) -> dict[str, Any] | None:
    """The context of a bordereau or récapitulatif, read from the read model (None if absent)."""
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        return None
    steps, events = steps_and_events(session, procedure_id)
    org_ids = {procedure.bailleur_id} | {s.org_id for s in steps}
    names = organisation_names(session, org_ids | {e.org_id for e in events if e.org_id})
    commune = session.get(Commune, procedure.commune_insee)
    entries = court_entries(session, procedure, steps)
    return {
        "procedure": {
            "id": procedure.id,
            "kind": procedure.kind,
            "kind_label": wording(ProcedureKind, procedure.kind),
            "status": procedure.status,
            "status_label": wording(ProcedureStatus, procedure.status),
            "title": readable_title(procedure.title),
            "residence_nom": procedure.residence_nom,
            "commune_insee": procedure.commune_insee,
            "created_on": paris_date(procedure.created_at),
            "closed_on": paris_date(procedure.closed_at) if procedure.closed_at else None,
        },
        "bailleur": names.get(procedure.bailleur_id, procedure.bailleur_id),
        "commune": commune.name if commune else procedure.commune_insee,
        "facts": procedure.facts,
        "milestones": procedure.milestones,
        "steps": [_step_context(s, procedure.kind, names) for s in steps],
        "events": [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "type": e.type,
                "message": told_message(e.type, e.message, e.data or {}),
                "step_key": e.step_key,
                "org": names.get(e.org_id, e.org_id) if e.org_id else "",
            }
            for e in events
        ],
        # One numbering (court_entries) for the bordereau and the .zip: the letters produced
        # ("courriers"), then the exhibits filed ("pieces"); "bordereau" lists them all.
        "bordereau": [_entry_context(entry) for entry in entries],
        "courriers": [_entry_context(entry) for entry in entries if entry.produced],
        "pieces": [_entry_context(entry) for entry in entries if not entry.produced],
    }
