"""The timeline of a procedure: who did what, when. Each kind of event is built here, once."""

from __future__ import annotations

from datetime import date
from typing import Any

from temporalio import workflow

from domain.calendar import french_date
from domain.contracts import (
    Declaration,
    EventRecord,
    ImportedStep,
    Link,
    Milestone,
    PolicyRevision,
)
from domain.steps import StepState

SILENCE = "(silence gardé jusqu'à l'échéance)"


class Timeline:
    """The events of a procedure, in order; each new one is a change to project."""

    def __init__(self) -> None:
        self.events: list[EventRecord] = []

    def __len__(self) -> int:
        return len(self.events)

    def add(
        self,
        type_: str,
        message: str,
        state: StepState | None = None,
        *,
        org: str | None = None,
        sub: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Record one event now."""
        self.events.append(
            EventRecord(
                seq=len(self.events) + 1,
                at=workflow.now(),
                type=type_,
                message=message,
                step_key=state.key if state else None,
                org=org,
                sub=sub,
                data=data or {},
            )
        )

    def started(self, label: str, org: str, sub: str) -> None:
        self.add("procedure_started", f"Procédure ouverte : {label}", org=org, sub=sub)

    def closed(self) -> None:
        self.add("procedure_closed", "Procédure close")

    def cancelled(self, reason: str, org: str, sub: str) -> None:
        self.add(
            "cancelled",
            f"Procédure retirée : {reason}",
            org=org,
            sub=sub,
            data={"reason": reason},
        )

    def opened(self, state: StepState) -> None:
        self.add("step_opened", f"Étape ouverte : {state.label}", state, org=state.org)

    def completed(self, state: StepState, outcome_label: str) -> None:
        """A step done: by a person, at creation, or by the silence the law gives a meaning."""
        if state.implicite:
            self.add(
                "step_completed",
                f"{state.label} : {outcome_label} {SILENCE}",
                state,
                org=state.org,
                data={"outcome": state.outcome, "implicite": True},
            )
            return
        self.add(
            "step_completed",
            f"{state.label} : {outcome_label}",
            state,
            org=state.completed_by_org,
            sub=state.completed_by,
            data={"outcome": state.outcome, "date": state.done_on.isoformat()},
        )

    def imported(self, state: StepState, imported: ImportedStep) -> None:
        self.add(
            "step_imported",
            f"{state.label} : accomplie "
            f"{'le ' + imported.on.isoformat() if imported.on else '(date inconnue)'} "
            "(dossier importé)",
            state,
            data={"outcome": imported.outcome},
        )

    def rescheduled(self, state: StepState) -> None:
        due = french_date(state.due) if state.due else "—"
        self.add(
            "step_rescheduled",
            f"{state.label} : nouvelle échéance le {due} — {state.due_explanation}",
            state,
            org=state.org,
            data={"due": state.due.isoformat() if state.due else None},
        )

    def skipped(self, state: StepState, reason: str) -> None:
        self.add("step_skipped", f"{reason} : {state.label}", state, org=state.org)

    def overdue(self, state: StepState) -> None:
        self.add("step_overdue", f"Échéance dépassée : {state.label}", state, org=state.org)

    def reminded(self, state: StepState) -> None:
        self.add("reminder_sent", f"Rappel envoyé : {state.label}", state, org=state.org)

    def escalated(self, state: StepState) -> None:
        self.add("escalated", f"Escalade aux responsables : {state.label}", state, org=state.org)

    def assigned(self, state: StepState, previous: str | None, org: str, sub: str) -> None:
        assignee = state.assignee_sub
        self.add(
            "assigned",
            f"{state.label} : confiée à {assignee}"
            + (f" (au lieu de {previous})" if previous else ""),
            state,
            org=org,
            sub=sub,
            data={"assignee": assignee, "previous": previous},
        )

    def milestone(self, milestone: Milestone) -> None:
        self.add(
            "milestone",
            f"{milestone.label} : {french_date(milestone.date)} — {milestone.explanation}",
            data={"key": milestone.key, "date": milestone.date.isoformat()},
        )

    def waiting(self, reason: str, day: date) -> None:
        self.add("waiting", f"{reason} : jusqu'au {french_date(day)}")

    def document(self, filename: str, document_id: str, kind: str) -> None:
        self.add(
            "document_generated",
            f"Document produit : {filename}",
            data={"document_id": document_id, "kind": kind},
        )

    def document_failed(self, kind: str, cause: str) -> None:
        self.add("document_failed", f"Document non produit ({kind}) : {cause}", data={"kind": kind})

    def declared(self, declaration: Declaration, label: str) -> None:
        self.add(
            "declaration",
            f"{label} (le {french_date(declaration.on)})",
            org=declaration.org,
            sub=declaration.sub,
            data={
                "key": declaration.key,
                "date": declaration.on.isoformat(),
                "comment": declaration.comment,
                **({"data": declaration.data} if declaration.data else {}),
            },
        )

    def policy_revised(self, revision: PolicyRevision) -> None:
        ends = ", ".join(
            f"trêve {year} jusqu'au {french_date(end)}"
            for year, end in sorted(revision.treve.ends.items())
        )
        self.add(
            "policy_revised",
            f"Trêve hivernale modifiée ({revision.reason}) : {ends or 'dates ordinaires'}",
            sub=revision.sub,
            data={"ends": {str(y): e.isoformat() for y, e in revision.treve.ends.items()}},
        )

    def linked(self, link: Link) -> None:
        self.add("linked", f"Procédure liée : {link.procedure_id}", data=link.model_dump())

    def note(self, message: str, data: dict[str, Any]) -> None:
        self.add("note", message, data=data)

    def suggestion(self, message: str) -> None:
        self.add("suggestion", message)
