"""Forms of a bailleur to open a signalement, a plainte or a résiliation, validated with the
API's start models."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from api.audit import Action, record
from api.web import labels
from api.web.forms import FormResult, FormSpec, choices_of, form_spec, read_form
from api.web.pages import FormDep, PageError, PageUser, UserDep, refusal, render, see_other
from domain.procedures import DEFINITIONS, definition
from quietude.procedures import StartRefused, StartRequest, TemporalUnavailable
from store.tables import Commune, Residence

router = APIRouter(include_in_schema=False)

DEFAULTS: dict[str, dict[str, Any]] = {
    "signalement": {"destinataire": "forces"},
    "plainte": {"plaignant.type": "bailleur", "faits.qualification": "delit"},
    "resiliation": {"origine": "bailleur", "motifs": []},
}
ROWS = {"signalement": 2, "plainte": 3, "resiliation": 3}
SPECS: dict[str, FormSpec] = {
    kind.value: form_spec(definition.facts, definition.wording.messages)
    for kind, definition in DEFINITIONS.items()
    if kind.value in DEFAULTS
}


def _bailleur(user: PageUser) -> None:
    if not user.is_bailleur:
        raise PageError(
            403, "Seule une organisation bailleur peut ouvrir une procédure.", "Accès refusé"
        )


def _form_page(
    request: Request, user: PageUser, kind: str, result: FormResult, status: int = 200
) -> Response:
    with Session(request.app.state.engine) as session:
        communes = session.exec(select(Commune.insee, Commune.name).order_by(col(Commune.name)))
        residences = session.exec(
            select(Residence).where(col(Residence.bailleur_id) == user.claims.org)
        ).all()
        context = {
            "kind": kind,
            "title": definition(kind).wording.title,
            "choices": choices_of(definition(kind).facts),
            "communes": list(communes),
            "residences": list(residences),
            "values": result.values,
            "errors": result.errors,
            "general": result.general,
            "rows": ROWS[kind],
        }
    return render(request, f"start_{kind}.html", context, user=user, status=status)


@router.get("/procedures/nouvelle")
def choose_kind(request: Request, user: UserDep) -> Response:
    """The three procedures a bailleur may open."""
    _bailleur(user)
    return render(request, "start_choice.html", {"kinds": labels.KINDS}, user=user)


@router.get("/procedures/nouvelle/{kind}")
def start_form(request: Request, user: UserDep, kind: str) -> Response:
    """The empty form of one kind of procedure."""
    _bailleur(user)
    if kind not in SPECS:
        raise PageError(404, "Type de procédure inconnu.")
    return _form_page(request, user, kind, FormResult(values=dict(DEFAULTS[kind])))


@router.post("/procedures/nouvelle/{kind}")
async def start_procedure(request: Request, user: UserDep, form: FormDep, kind: str) -> Response:
    """Open the procedure; on an error the form comes back with what was typed."""
    _bailleur(user)
    if kind not in SPECS:
        raise PageError(404, "Type de procédure inconnu.")
    result = read_form(SPECS[kind], form)
    if not result.ok or result.model is None:
        return await run_in_threadpool(_form_page, request, user, kind, result, 422)
    try:
        service = await request.app.state.services.get()
        procedure_id = await service.start(StartRequest(caller=user.claims, facts=result.model))
    except (StartRefused, TemporalUnavailable) as error:
        status, message = refusal(error)
        result.general.append(message)
        return await run_in_threadpool(_form_page, request, user, kind, result, status)
    await run_in_threadpool(
        record, request.app.state.engine, user.claims, Action.START, procedure_id
    )
    return see_other(f"/procedures/{procedure_id}?fait=ouverte")
