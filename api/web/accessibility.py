"""The accessibility statement (RGAA): conformity level, the tests run, a contact."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import SettingsDep
from api.web.pages import OptionalUserDep, render

router = APIRouter(include_in_schema=False)


@router.get("/accessibilite")
def accessibility_statement(
    request: Request, settings: SettingsDep, user: OptionalUserDep
) -> Response:
    """The accessibility statement, open to everyone, signed in or not."""
    context = {"contact": settings.accessibility_contact}
    return render(request, "accessibilite.html", context, user=user)
