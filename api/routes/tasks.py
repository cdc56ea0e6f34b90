"""The caller organisation's inbox."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CallerDep, SessionDep
from api.schemas import TaskList, TaskPublic
from quietude.procedures import today_in_paris
from store.queries import inbox

router = APIRouter(prefix="/tasks", tags=["tâches"])


@router.get("", response_model=TaskList)
def read_tasks(
    session: SessionDep,
    caller: CallerDep,
    overdue: bool | None = None,
    due_before: Annotated[date | None, Query(description="échéance au plus tard ce jour")] = None,
    kind: Annotated[str | None, Query(max_length=50)] = None,
) -> TaskList:
    """Étapes en attente assignées à l'organisation appelante, par échéance puis ancienneté."""
    rows = inbox(session, caller.org, overdue=overdue, due_before=due_before, kind=kind)
    today = today_in_paris()
    return TaskList(items=[TaskPublic.of(row, today) for row in rows], total=len(rows))
