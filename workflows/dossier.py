"""What a running procedure knows of itself: its steps, milestones, links, declarations and
timeline, and the views of it the query, the updates and the projection give."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from domain.actors import Actor
from domain.contracts import (
    Assignment,
    CancelProcedure,
    CompleteStep,
    Declaration,
    EventRecord,
    ImportedStep,
    Link,
    Milestone,
    PolicyRevision,
    ProcedureSnapshot,
    ProcedureStart,
    ProcedureStatus,
    ProcedureView,
)
from domain.definition import ProcedureDefinition
from domain.steps import IMPORT_SUB, StepSpec, StepState, StepStatus, split_ref
from workflows.timeline import Timeline


class ProcedureCancelled(Exception):
    """Raised inside the flow when the procedure is withdrawn."""


class ProcedureInterrupted(Exception):
    """Raised inside the flow when an event declared at any step ends it (e.g. a departure)."""

    def __init__(self, on: date) -> None:
        super().__init__(on)
        self.on = on


class Dossier:
    """The state of one procedure; every change to it is recorded on its timeline."""

    def __init__(self, start: ProcedureStart, definition: ProcedureDefinition[Any]) -> None:
        self.start = start
        self.definition = definition
        self.policy = start.policy  # the convention's, as it stands now (a trêve may move)
        self.status = ProcedureStatus.OPEN
        self.closed_at: datetime | None = None
        self.steps: list[StepState] = []
        self.timeline = Timeline()
        self.milestones: list[Milestone] = []
        self.suggestions: list[str] = []
        self.links: list[Link] = list(start.links)
        self.declarations: list[Declaration] = []
        self.interrupted: date | None = None  # the day a declaration ended the flow
        self.imported: dict[str, ImportedStep] = {step.key: step for step in start.imported}
        self._seqs: dict[str, int] = {}
        self._opened = 0  # steps opened so far, imported ones included

    @property
    def is_open(self) -> bool:
        return self.status == ProcedureStatus.OPEN

    def ensure_open(self) -> None:
        """Stop the flow where it stands when the procedure was withdrawn or interrupted."""
        if self.status == ProcedureStatus.CANCELLED:
            raise ProcedureCancelled()
        if self.interrupted is not None:
            raise ProcedureInterrupted(self.interrupted)

    def new_step(self, spec: StepSpec, since: date) -> StepState:
        """A step of `spec` opened on the legal date `since`, assigned by its actor."""
        self._opened += 1
        return StepState(
            key=spec.key,
            seq=self._next_seq(spec.key),
            position=self._opened,
            label=spec.label,
            actor=spec.actor,
            org=self.org_for(spec.actor),
            opened_at=workflow.now(),
            opened_on=since,
            legal_basis=spec.legal_basis,
        )

    def _next_seq(self, key: str) -> int:
        """The next occurrence number of step `key`: parallel occurrences (the actions of a
        plan) are numbered as they open, before any of them is recorded."""
        self._seqs[key] = self._seqs.get(key, 0) + 1
        return self._seqs[key]

    def org_for(self, actor: Actor) -> str:
        """The organisation competent for `actor` in this dossier."""
        orgs = self.start.orgs
        if actor.value in orgs:
            return orgs[actor.value]
        raise ApplicationError(
            f"Aucune organisation compétente pour l'acteur {actor.value}",
            type="NoCompetentOrganisation",
            non_retryable=True,
        )

    def pending_step(self, ref: str) -> StepState | None:
        """The pending step `ref` names: "key", or "key:seq" among parallel ones."""
        key, seq = split_ref(ref)
        return next(
            (
                s
                for s in reversed(self.steps)
                if s.key == key and s.pending and seq in (None, s.seq)
            ),
            None,
        )

    def complete(
        self,
        state: StepState,
        *,
        outcome: str,
        on: date | None,
        sub: str,
        data: dict[str, Any] | None = None,
        comment: str | None = None,
        implicite: bool = False,
    ) -> None:
        """Record step `state` as done with `outcome` on the legal date `on`, and say so."""
        state.status = StepStatus.DONE
        state.outcome = outcome
        state.completed_on = on
        state.completed_at = workflow.now()
        state.completed_by = sub
        state.completed_by_org = state.org
        state.data = dict(data or {})
        state.comment = comment
        state.implicite = implicite

    def outcome_label(self, state: StepState) -> str:
        """The French label of the outcome a step was completed with."""
        spec = self.definition.catalog.spec(state.key)
        chosen = spec.outcome(state.outcome or "")
        return chosen.label if chosen else str(state.outcome)

    def record_imported(self, state: StepState, imported: ImportedStep) -> StepState:
        """A step done before the dossier was imported, on its real date (or "date inconnue":
        done at the latest on `imported.by`); it shows its own date, not the import's."""
        self.complete(
            state, outcome=imported.outcome, on=imported.on, sub=IMPORT_SUB, data=imported.data
        )
        state.done_by = None if imported.on else imported.by
        state.opened_on = state.done_on
        self.steps.append(state)
        self.timeline.imported(state, imported)
        return state

    def record_done(self, spec: StepSpec, on: date, outcome: str, sub: str) -> StepState:
        """A step done as the procedure starts (e.g. the transmission of a signalement)."""
        state = self.new_step(spec, on)
        imported = self.imported.pop(spec.key, None)
        if imported is not None:
            return self.record_imported(state, imported)
        self.complete(state, outcome=outcome, on=on, sub=sub)
        self.steps.append(state)
        self.timeline.completed(state, self.outcome_label(state))
        return state

    def accept(self, command: CompleteStep) -> StepState:
        """A completion the validator accepted."""
        state = self.pending_step(command.key)
        assert state is not None  # the validator checked it
        self.complete(
            state,
            outcome=command.outcome,
            on=command.on,
            sub=command.sub,
            data=command.data,
            comment=command.comment,
        )
        self.timeline.completed(state, self.outcome_label(state))
        return state

    def declare(self, declaration: Declaration) -> None:
        """An event declared at any step; one that ends the procedure skips what is pending
        (the flow then leads to the closing step)."""
        outcome = self.definition.catalog.declaration(declaration.key)
        assert outcome is not None  # the validator checked it
        self.timeline.declared(declaration, outcome.label)
        self.declarations.append(declaration)
        if outcome.next:
            self.interrupted = declaration.on
            self.skip_pending(outcome.label)

    def withdraw(self, command: CancelProcedure) -> None:
        """The bailleur withdraws the procedure: every pending step is cancelled."""
        self.status = ProcedureStatus.CANCELLED
        self.closed_at = workflow.now()
        for state in self.steps:
            if state.pending:
                state.status = StepStatus.CANCELLED
        self.timeline.cancelled(command.reason, command.org, command.sub)

    def assign(self, assignment: Assignment) -> None:
        """A pending step confided to a named person of its organisation."""
        state = self.pending_step(assignment.key)
        assert state is not None  # the validator checked it
        previous = state.assignee_sub
        state.assignee_sub = assignment.assignee_sub
        self.timeline.assigned(state, previous, assignment.org, assignment.sub)

    def add_link(self, link: Link) -> None:
        """Another procedure linked to this one (once)."""
        if all(known.procedure_id != link.procedure_id for known in self.links):
            self.links.append(link)
            self.timeline.linked(link)

    def close(self) -> None:
        """The flow has come to its end: what is still pending is without object."""
        self.skip_pending("Étape sans objet : la procédure est terminée")
        self.status = ProcedureStatus.CLOSED
        self.closed_at = workflow.now()
        self.timeline.closed()

    def skip_pending(self, reason: str) -> None:
        """Mark every pending step as without object, for `reason`."""
        for state in self.steps:
            if state.pending:
                state.status = StepStatus.SKIPPED
                self.timeline.skipped(state, reason)

    def skip(self, state: StepState, reason: str) -> None:
        """Mark one pending step as without object, for `reason`."""
        if state.pending:
            state.status = StepStatus.SKIPPED
            self.timeline.skipped(state, reason)

    def revise(self, revision: PolicyRevision) -> None:
        """The convention's policy as it now stands: the trêve of each winter."""
        self.policy = self.policy.model_copy(update={"treve": revision.treve})
        self.timeline.policy_revised(revision)

    def show(self, milestone: Milestone) -> None:
        """Show a legal date on the procedure; it replaces an earlier one of the same key."""
        self.milestones = [m for m in self.milestones if m.key != milestone.key]
        self.milestones.append(milestone)
        self.timeline.milestone(milestone)

    def last_act_on(self) -> date:
        """The legal date of the latest act done (where a closing or fallback step starts)."""
        return max(s.completed_on for s in self.steps if s.completed_on)

    def view(self) -> ProcedureView:
        """The whole state of the procedure (query and update result)."""
        return ProcedureView(
            **self._state(), orgs=self.start.orgs, events=list(self.timeline.events)
        )

    def snapshot(self, events: list[EventRecord]) -> ProcedureSnapshot:
        """What the projection writes to the read model, with the events not yet projected."""
        start = self.start
        return ProcedureSnapshot(
            **self._state(),
            residence_nom=start.residence_nom,
            title=start.title,
            facts=start.facts,
            created_at=start.created_at,
            events=list(events),
        )

    def _state(self) -> dict[str, Any]:
        """What the view and the snapshot both tell."""
        start = self.start
        return {
            "procedure_id": start.procedure_id,
            "kind": start.kind,
            "status": self.status,
            "bailleur_id": start.bailleur_id,
            "commune_insee": start.commune_insee,
            "steps": list(self.steps),
            "suggestions": list(self.suggestions),
            "milestones": list(self.milestones),
            "links": list(self.links),
            "closed_at": self.closed_at,
        }
