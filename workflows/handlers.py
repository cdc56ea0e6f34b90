"""How people act on a procedure: typed, validated updates, and the query of its state."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from domain.actors import ACTOR_LABELS, Actor
from domain.calendar import french_date
from domain.contracts import (
    Assignment,
    CancelProcedure,
    CompleteStep,
    Declaration,
    Link,
    ProcedureStatus,
    ProcedureView,
    Propagation,
    SyncRequest,
)
from domain.steps import StepState, StepStatus, data_error, split_ref
from workflows.state import ACTIVITY_RETRY, PROPAGATE_ACTIVITY, PROPAGATED_SUB, ProcedureState


class ProcedureHandlers(ProcedureState):
    """The updates and the query every procedure answers."""

    def check_completion(self, state: StepState, command: CompleteStep) -> str | None:
        """A procedure's own legal check of a completion (French message), or None."""
        return None

    @workflow.update
    async def complete_step(self, command: CompleteStep) -> ProcedureView:
        """Complete a pending step; answers once the change is in the read model."""
        state = self._pending_step(command.key)
        assert state is not None  # the validator checked it
        spec = self.catalog.spec(state.key)
        self._complete(
            state,
            outcome=command.outcome,
            on=command.on,
            sub=command.sub,
            org=command.org,
            data=command.data,
            comment=command.comment,
        )
        self._event(
            "step_completed",
            f"{spec.label} : {spec.outcome(command.outcome).label}",  # type: ignore[union-attr]
            state,
            org=command.org,
            sub=command.sub,
            data={"outcome": command.outcome, "date": command.on.isoformat()},
        )
        if spec.propagated and self._links and command.sub != PROPAGATED_SUB:
            await self._propagate(command)
        await self._settled()
        return self.view()

    async def _propagate(self, command: CompleteStep) -> None:
        """Repeat a decision in the linked procedures waiting on the same step."""
        targets = [link.procedure_id for link in self._links]
        propagation = Propagation(
            source_id=self.start.procedure_id,
            targets=targets,
            command=command.model_copy(
                update={
                    "sub": PROPAGATED_SUB,
                    "comment": f"Décision reprise de {self.start.procedure_id}",
                }
            ),
        )
        self._busy += 1
        try:
            await workflow.execute_activity(
                PROPAGATE_ACTIVITY,
                propagation,
                start_to_close_timeout=timedelta(minutes=1),
                retry_policy=ACTIVITY_RETRY,
            )
        finally:
            self._busy -= 1

    @complete_step.validator
    def validate_complete_step(self, command: CompleteStep) -> None:
        """Refuse, before history records anything, a completion that is not allowed."""
        if not self.catalog.has(split_ref(command.key)[0]):
            raise _refusal("UnknownStep", f"Étape inconnue : « {command.key} ».")
        state = self._pending_step(command.key)
        if state is None or self._status != ProcedureStatus.OPEN:
            raise _refusal("StepNotPending", f"L'étape « {command.key} » n'est pas en attente.")
        if command.org != state.org:
            raise _refusal(
                "WrongOrganisation",
                f"L'étape « {state.label} » est assignée à une autre organisation.",
            )
        spec = self.catalog.spec(state.key)
        outcome = spec.outcome(command.outcome)
        if outcome is None:
            raise _refusal(
                "InvalidOutcome",
                f"Résultat « {command.outcome} » invalide pour l'étape « {state.label} » "
                f"(attendu : {', '.join(spec.outcome_keys)}).",
            )
        wrong_type = data_error(self.catalog, command.data)
        if wrong_type:
            raise _refusal("InvalidData", wrong_type)
        missing = [name for name in outcome.required if not command.data.get(name)]
        if missing:
            raise _refusal("InvalidData", f"Donnée requise manquante : {', '.join(missing)}.")
        if command.on < state.opened_on:
            raise _refusal(
                "InvalidData",
                f"La date ({command.on.isoformat()}) précède l'ouverture de l'étape "
                f"({state.opened_on.isoformat()}).",
            )
        if command.on > workflow.now().date() + timedelta(days=1):
            raise _refusal("InvalidData", f"La date ({command.on.isoformat()}) est dans le futur.")
        problem = self.check_completion(state, command)
        if problem:
            raise _refusal("InvalidData", problem)

    @workflow.update
    async def declare(self, declaration: Declaration) -> ProcedureView:
        """Record an event declared at any step; one that ends the procedure skips what is
        pending and leads to the closing step."""
        outcome = self.catalog.declaration(declaration.key)
        assert outcome is not None  # the validator checked it
        self._event(
            "declaration",
            f"{outcome.label} (le {french_date(declaration.on)})",
            org=declaration.org,
            sub=declaration.sub,
            data={
                "key": declaration.key,
                "date": declaration.on.isoformat(),
                "comment": declaration.comment,
            },
        )
        self._declarations.append(declaration)
        if outcome.next:
            self._interrupted = declaration.on
            self._skip_pending(outcome.label)
        await self._settled()
        return self.view()

    @declare.validator
    def validate_declare(self, declaration: Declaration) -> None:
        """The actor the catalogue names (the bailleur by default) declares, on an open
        procedure, what the catalogue allows."""
        if self._status != ProcedureStatus.OPEN or self._interrupted is not None:
            raise _refusal("NotOpen", "La procédure n'est plus en cours.")
        if self.catalog.declaration(declaration.key) is None:
            allowed = ", ".join(o.key for o in self.catalog.anytime) or "aucune"
            raise _refusal(
                "InvalidOutcome",
                f"Déclaration « {declaration.key} » impossible (possibles : {allowed}).",
            )
        actor = self.catalog.anytime_actors.get(declaration.key, Actor.BAILLEUR)
        if declaration.org != self.start.orgs.get(actor.value):
            raise _refusal(
                "WrongOrganisation",
                f"Cette déclaration revient à : {ACTOR_LABELS[actor].lower()}.",
            )
        if declaration.on > workflow.now().date() + timedelta(days=1):
            raise _refusal(
                "InvalidData", f"La date ({declaration.on.isoformat()}) est dans le futur."
            )

    @workflow.update
    async def cancel(self, command: CancelProcedure) -> ProcedureView:
        """Withdraw the procedure: every pending step is cancelled."""
        self._status = ProcedureStatus.CANCELLED
        self._closed_at = workflow.now()
        for state in self._steps:
            if state.pending:
                state.status = StepStatus.CANCELLED
        self._event(
            "cancelled",
            f"Procédure retirée : {command.reason}",
            org=command.org,
            sub=command.sub,
            data={"reason": command.reason},
        )
        await self._settled()
        return self.view()

    @cancel.validator
    def validate_cancel(self, command: CancelProcedure) -> None:
        """Only the bailleur withdraws an open procedure, with a reason."""
        if self._status != ProcedureStatus.OPEN:
            raise _refusal("NotOpen", "La procédure n'est plus en cours.")
        if command.org != self.start.bailleur_id:
            raise _refusal("WrongOrganisation", "Seul le bailleur peut retirer la procédure.")
        if not command.reason.strip():
            raise _refusal("InvalidData", "Le motif du retrait est requis.")

    @workflow.update
    async def assign(self, assignment: Assignment) -> ProcedureView:
        """Assign a pending step to a named person of the assignee organisation."""
        state = self._pending_step(assignment.key)
        assert state is not None  # the validator checked it
        previous = state.assignee_sub
        state.assignee_sub = assignment.assignee_sub
        self._event(
            "assigned",
            f"{state.label} : confiée à {assignment.assignee_sub}"
            + (f" (au lieu de {previous})" if previous else ""),
            state,
            org=assignment.org,
            sub=assignment.sub,
            data={"assignee": assignment.assignee_sub, "previous": previous},
        )
        await self._settled()
        return self.view()

    @assign.validator
    def validate_assign(self, assignment: Assignment) -> None:
        """A manager of the assignee organisation assigns a pending step."""
        state = self._pending_step(assignment.key)
        if state is None or self._status != ProcedureStatus.OPEN:
            raise _refusal("StepNotPending", f"L'étape « {assignment.key} » n'est pas en attente.")
        if assignment.org != state.org:
            raise _refusal(
                "WrongOrganisation",
                f"L'étape « {state.label} » est assignée à une autre organisation.",
            )
        if assignment.role not in ("manager", "admin"):
            raise _refusal("WrongRole", "Seul un responsable attribue les étapes.")
        if not assignment.assignee_sub.strip():
            raise _refusal("InvalidData", "La personne désignée est requise.")

    @workflow.update
    async def link(self, link: Link) -> ProcedureView:
        """Record another procedure linked to this one (the other side records it too)."""
        if all(known.procedure_id != link.procedure_id for known in self._links):
            self._links.append(link)
            self._event("linked", f"Procédure liée : {link.procedure_id}", data=link.model_dump())
        await self._settled()
        return self.view()

    @workflow.update
    async def sync(self, request: SyncRequest) -> ProcedureView:
        """Wait until every change so far is in the read model."""
        await self._settled()
        return self.view()

    @workflow.query
    def state(self) -> ProcedureView:
        """The whole state of the procedure."""
        return self.view()


def _refusal(kind: str, message: str) -> ApplicationError:
    return ApplicationError(message, type=kind, non_retryable=True)
