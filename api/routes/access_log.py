"""The access log of the caller's organisation, for its `admin`: paged JSON or CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import AdminDep, SessionDep
from api.query_bounds import Instant, Page
from store.access_log import CSV_FIELDS, csv_row, entries_for

router = APIRouter(prefix="/access-log", tags=["journal des accès"])

MAX_PER_PAGE = 500


class AccessEntryPublic(BaseModel):
    seq: int
    at: datetime
    sub: str
    org: str
    role: str
    action: str
    procedure_id: str | None
    target: str | None
    detail: str
    hash: str


class AccessLogPage(BaseModel):
    items: list[AccessEntryPublic]
    total: int
    page: int
    per_page: int


def entries_csv(rows: list[list[str]]) -> str:
    """The CSV text of exported entries, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_FIELDS)
    writer.writerows(rows)
    return buffer.getvalue()


@router.get(
    "",
    response_model=AccessLogPage,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def read_access_log(
    caller: AdminDep,
    session: SessionDep,
    since: Annotated[Instant | None, Query(description="à partir de cet instant")] = None,
    page: Page = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 100,
    format: Annotated[Literal["json", "csv"], Query(description="json ou csv")] = "json",
) -> AccessLogPage | Response:
    """Journal des accès aux procédures de l'organisation et des actions de ses utilisateurs."""
    if format == "csv":
        rows, _ = entries_for(session, caller.org, since)
        return Response(
            entries_csv([csv_row(e) for e in rows]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="acces-{caller.org}.csv"'},
        )
    rows, total = entries_for(session, caller.org, since, page, per_page)
    items = [AccessEntryPublic.model_validate(e, from_attributes=True) for e in rows]
    return AccessLogPage(items=items, total=total, page=page, per_page=per_page)
