"""The caller organisation's inbox, and the bulk reassignment of its steps."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from starlette.concurrency import run_in_threadpool

from api.audit import Action, record_all
from api.deps import (
    CallerDep,
    EngineDep,
    ManagerDep,
    ScopeDep,
    SearchQuery,
    ServiceDep,
    SessionDep,
)
from api.query_bounds import Day, Page
from api.routes.assignments import ReassignBody, reassign_all, steps_of
from api.schemas import ReassignResult, TaskList
from domain.actors import Role
from quietude.procedures import today_in_paris
from store.queries import TaskFilters, inbox, inbox_counts
from store.visibility import search_tier

router = APIRouter(prefix="/tasks", tags=["tâches"])

MAX_PER_PAGE = 200


@router.get("", response_model=TaskList)
def read_tasks(
    session: SessionDep,
    caller: CallerDep,
    scope: ScopeDep,
    overdue: bool | None = None,
    due_before: Annotated[Day | None, Query(description="échéance au plus tard ce jour")] = None,
    kind: Annotated[str | None, Query(max_length=50)] = None,
    mine: Annotated[bool, Query(description="seulement les étapes confiées à l'appelant")] = False,
    assignee: Annotated[
        str | None, Query(max_length=200, description="étapes confiées à cette personne")
    ] = None,
    step: Annotated[str | None, Query(max_length=100, description="clé de l'étape")] = None,
    bailleur: Annotated[str | None, Query(max_length=100, description="bailleur")] = None,
    commune: Annotated[str | None, Query(max_length=10, description="code INSEE")] = None,
    q: SearchQuery = None,
    page: Page = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
) -> TaskList:
    """Une page des étapes en attente de l'organisation appelante, par échéance puis
    ancienneté, avec les décomptes (par étape, par type de procédure, en retard) de toutes."""
    if assignee and assignee != caller.sub and caller.role not in (Role.MANAGER, Role.ADMIN):
        raise HTTPException(
            status_code=403,
            detail="Seuls les responsables consultent les étapes confiées à une autre personne.",
        )
    filters = TaskFilters(
        overdue=overdue,
        due_before=due_before,
        kind=kind,
        assignee=caller.sub if mine else assignee,
        step=step,
        bailleur=bailleur,
        commune=commune,
        q=q,
        tier=search_tier(scope.org_kind, scope.role),
    )
    rows = inbox(session, caller.org, filters, limit=per_page, offset=(page - 1) * per_page)
    counts = inbox_counts(session, caller.org, filters)
    return TaskList.of(rows, counts, today_in_paris(), page=page, per_page=per_page)


@router.post("/reassign", response_model=ReassignResult)
async def reassign(
    caller: ManagerDep, service: ServiceDep, engine: EngineDep, body: ReassignBody
) -> ReassignResult:
    """Confie à une autre personne toutes les étapes en attente d'une personne de
    l'organisation (responsables seulement) ; chaque changement figure à la chronologie."""
    rows = await run_in_threadpool(steps_of, engine, caller.org, body.from_sub)
    result = await reassign_all(service, rows, caller, body.to_sub)
    moved = [(m.procedure_id, m.key) for m in result.moved]
    await run_in_threadpool(record_all, engine, caller, Action.ASSIGN, moved)
    return result
