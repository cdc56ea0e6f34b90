"""Assigning steps of the corbeille to a colleague, one or a selection (managers), through the
same path as POST /api/tasks/reassign: each workflow records the change on its timeline."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.audit import Action, record_all
from api.routes.assignments import reassign_all
from api.web.inbox import render_inbox
from api.web.pages import FormDep, PageError, PageUser, UserDep, refusal, see_other
from quietude.procedures import StepRefused, TemporalUnavailable
from store.colleagues import colleagues
from store.queries import TaskRow, inbox

router = APIRouter(include_in_schema=False)

MAX_SELECTED = 500
NOT_A_MANAGER = "Seul un responsable (rôle « manager » ou « admin ») confie les étapes."


def step_ref(procedure_id: str, key: str) -> str:
    """How a step is named in the forms: « procédure/étape »."""
    return f"{procedure_id}/{key}"


def _selection(engine: Engine, user: PageUser, wanted: set[str]) -> tuple[list[TaskRow], list[str]]:
    """The pending steps of the user's organisation among `wanted`, and its people."""
    with Session(engine) as session:
        rows = inbox(session, user.claims.org)
        people = colleagues(session, user.claims.org, user.claims.sub)
    return [r for r in rows if step_ref(r.procedure.id, r.step.key) in wanted], people


def _problem(wanted: set[str], person: str, rows: list[TaskRow], people: list[str]) -> str:
    if not wanted:
        return "Aucune étape choisie : cocher au moins une étape à confier."
    if not person:
        return "Choisir la personne à qui confier les étapes."
    if person not in people:
        return (
            f"Personne inconnue : « {person[:100]} » n'est pas une personne connue de votre "
            "organisation."
        )
    if not rows:
        return "Les étapes choisies n'attendent plus votre organisation : rien n'a été confié."
    return ""


@router.post("/corbeille/confier")
async def assign_steps(request: Request, user: UserDep, form: FormDep) -> Response:
    """Assign the chosen pending steps of the organisation to one of its people (managers)."""
    if not user.is_manager:
        raise PageError(403, NOT_A_MANAGER, "Accès refusé")
    wanted = {str(value)[:300] for value in form.getlist("etapes")[:MAX_SELECTED]}
    person = str(form.get("personne", "")).strip()[:200]
    engine = request.app.state.engine
    rows, people = await run_in_threadpool(_selection, engine, user, wanted)
    problem = _problem(wanted, person, rows, people)
    if problem:
        return await run_in_threadpool(render_inbox, request, user, {}, problem, 422)
    try:
        result = await reassign_all(request.app.state.services, rows, user.claims, person)
    except (StepRefused, TemporalUnavailable) as error:
        status, message = refusal(error)
        return await run_in_threadpool(render_inbox, request, user, {}, message, status)
    moved = [(m.procedure_id, m.key) for m in result.moved]
    await run_in_threadpool(record_all, engine, user.claims, Action.ASSIGN, moved)
    return see_other(f"/corbeille?confiees={result.count}")
