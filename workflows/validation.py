"""Whether the people acting on a procedure may do what they ask: each check returns the
refusal (an ApplicationError, type and French message) or None. Run by the updates' validators,
before history records anything."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from temporalio.exceptions import ApplicationError

from domain.actors import Actor, Role
from domain.contracts import Assignment, CancelProcedure, CompleteStep, Declaration
from domain.steps import data_problem, split_ref
from workflows.dossier import Dossier

MANAGER_ROLES = (Role.MANAGER, Role.ADMIN)


def refusal(kind: str, message: str) -> ApplicationError:
    """A refusal the caller receives as is (never retried)."""
    return ApplicationError(message, type=kind, non_retryable=True)


def completion_refusal(
    dossier: Dossier, facts: Any, command: CompleteStep, today: date
) -> ApplicationError | None:
    """A pending step of the caller's organisation, an outcome it accepts with its data, a
    plausible date, and the kind's own rule of law."""
    catalog = dossier.definition.catalog
    if not catalog.has(split_ref(command.key)[0]):
        return refusal("UnknownStep", f"Étape inconnue : « {command.key} ».")
    state = dossier.pending_step(command.key)
    if state is None or not dossier.is_open:
        return refusal("StepNotPending", f"L'étape « {command.key} » n'est pas en attente.")
    if command.org != state.org:
        return refusal(
            "WrongOrganisation",
            f"L'étape « {state.label} » est assignée à une autre organisation.",
        )
    spec = catalog.spec(state.key)
    outcome = spec.outcome(command.outcome)
    if outcome is None:
        return refusal(
            "InvalidOutcome",
            f"Résultat « {command.outcome} » invalide pour l'étape « {state.label} » "
            f"(attendu : {', '.join(spec.outcome_keys)}).",
        )
    problem = data_problem(outcome, command.data)
    if problem is None and command.on < state.opened_on:
        problem = (
            f"La date saisie ({command.on:%d/%m/%Y}) précède l'ouverture de l'étape "
            f"« {state.label} » ({state.opened_on:%d/%m/%Y})."
        )
    if problem is None:
        problem = _future(command.on, today)
    if problem is None:
        problem = dossier.definition.completion_refusal(facts, state, command, dossier.policy)
    return refusal("InvalidData", problem) if problem else None


def declaration_refusal(
    dossier: Dossier, facts: Any, declaration: Declaration, today: date
) -> ApplicationError | None:
    """The actor the catalogue names (the bailleur by default) declares, on an open procedure,
    what the catalogue allows, as the kind's rule of law allows it."""
    catalog = dossier.definition.catalog
    if not dossier.is_open or dossier.interrupted is not None:
        return refusal("NotOpen", "La procédure n'est plus en cours.")
    declared = catalog.declaration(declaration.key)
    if declared is None:
        allowed = ", ".join(o.key for o in catalog.anytime) or "aucune"
        return refusal(
            "InvalidOutcome",
            f"Déclaration « {declaration.key} » impossible (possibles : {allowed}).",
        )
    actor = catalog.anytime_actors.get(declaration.key, Actor.BAILLEUR)
    if declaration.org != dossier.start.orgs.get(actor.value):
        return refusal(
            "WrongOrganisation",
            f"Cette déclaration revient à : {actor.label.lower()}.",
        )
    problem = data_problem(declared, declaration.data) or _future(declaration.on, today)
    if problem is None:
        problem = dossier.definition.declaration_refusal(
            facts, declaration, dossier.steps, dossier.milestones
        )
    return refusal("InvalidData", problem) if problem else None


def cancellation_refusal(dossier: Dossier, command: CancelProcedure) -> ApplicationError | None:
    """Only the bailleur withdraws an open procedure, with a reason."""
    if not dossier.is_open:
        return refusal("NotOpen", "La procédure n'est plus en cours.")
    if command.org != dossier.start.bailleur_id:
        return refusal("WrongOrganisation", "Seul le bailleur peut retirer la procédure.")
    if not command.reason.strip():
        return refusal("InvalidData", "Le motif du retrait est requis.")
    return None


def assignment_refusal(dossier: Dossier, assignment: Assignment) -> ApplicationError | None:
    """A manager of the assignee organisation assigns a pending step."""
    state = dossier.pending_step(assignment.key)
    if state is None or not dossier.is_open:
        return refusal("StepNotPending", f"L'étape « {assignment.key} » n'est pas en attente.")
    if assignment.org != state.org:
        return refusal(
            "WrongOrganisation",
            f"L'étape « {state.label} » est assignée à une autre organisation.",
        )
    if assignment.role not in MANAGER_ROLES:
        return refusal("WrongRole", "Seul un responsable attribue les étapes.")
    if not assignment.assignee_sub.strip():
        return refusal("InvalidData", "La personne désignée est requise.")
    return None


def _future(on: date, today: date) -> str | None:
    # A day of margin: the caller's today may already be tomorrow in UTC terms.
    if on > today + timedelta(days=1):
        return f"La date saisie ({on:%d/%m/%Y}) est dans le futur."
    return None
