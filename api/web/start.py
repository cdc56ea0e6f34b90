"""Forms of a bailleur to open a procedure of any kind, built from the kind's definition and
validated with the API's start models."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from api.audit import Action, record
from api.web.forms import FormResult, read_form
from api.web.pages import FormDep, PageError, PageUser, UserDep, refusal, render, see_other
from api.web.start_form import StartForm, start_form
from domain.actors import OrgKind
from domain.labels import collation_key
from domain.procedures import DEFINITIONS
from quietude.procedures import StartRefused, StartRequest, TemporalUnavailable
from store.tables import Commune, Organisation, Residence

router = APIRouter(include_in_schema=False)

# The start form of every kind of the registry, by kind.
FORMS: dict[str, StartForm] = {
    kind.value: start_form(definition) for kind, definition in DEFINITIONS.items()
}


def _bailleur(user: PageUser) -> None:
    if not user.is_bailleur:
        raise PageError(
            403, "Seule une organisation bailleur peut ouvrir une procédure.", "Accès refusé"
        )


def _form_of(kind: str) -> StartForm:
    form = FORMS.get(kind)
    if form is None:
        raise PageError(404, "Type de procédure inconnu.")
    return form


def _form_page(
    request: Request, user: PageUser, form: StartForm, result: FormResult, status: int = 200
) -> Response:
    errors, unplaced = form.placed(result.errors)
    with Session(request.app.state.engine) as session:
        communes = communes_by_departement(session)
        residences = session.exec(
            select(Residence).where(col(Residence.bailleur_id) == user.claims.org)
        ).all()
        context = {
            "form": form,
            "communes": communes,
            "residences": list(residences),
            "values": result.values,
            "errors": errors,
            "general": [*result.general, *unplaced],
        }
    return render(request, "start.html", context, user=user, status=status)


def communes_by_departement(session: Session) -> list[tuple[str, list[tuple[str, str]]]]:
    """The routable communes by name, grouped by département (its name, then its code)."""
    names = dict(
        session.exec(
            select(col(Organisation.departement), col(Organisation.territory)).where(
                col(Organisation.kind) == OrgKind.PREFECTURE.value
            )
        ).all()
    )
    rows = session.exec(select(Commune.insee, Commune.name, Commune.departement)).all()
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for insee, name, departement in sorted(rows, key=lambda row: collation_key(row[1])):
        groups[departement].append((insee, name))
    return [(f"{names.get(code, code)} ({code})", groups[code]) for code in sorted(groups)]


@router.get("/procedures/nouvelle")
def choose_kind(request: Request, user: UserDep) -> Response:
    """The kinds of procedure a bailleur may open, as the registry lists them."""
    _bailleur(user)
    return render(request, "start_choice.html", {"kinds": list(DEFINITIONS.values())}, user=user)


@router.get("/procedures/nouvelle/{kind}")
def empty_form(request: Request, user: UserDep, kind: str) -> Response:
    """The empty form of one kind of procedure."""
    _bailleur(user)
    form = _form_of(kind)
    return _form_page(request, user, form, FormResult(values=dict(form.defaults)))


@router.post("/procedures/nouvelle/{kind}")
async def start_procedure(request: Request, user: UserDep, form: FormDep, kind: str) -> Response:
    """Open the procedure; on an error the form comes back with what was typed."""
    _bailleur(user)
    start = _form_of(kind)
    result = read_form(start.spec, form)
    if not result.ok or result.model is None:
        return await run_in_threadpool(_form_page, request, user, start, result, 422)
    try:
        service = await request.app.state.services.get()
        procedure_id = await service.start(StartRequest(caller=user.claims, facts=result.model))
    except (StartRefused, TemporalUnavailable) as error:
        status, message = refusal(error)
        field = error.field if isinstance(error, StartRefused) else None
        if field:
            result.errors[field] = message  # shown at its input and named by its label
        else:
            result.general.append(message)
        return await run_in_threadpool(_form_page, request, user, start, result, status)
    await run_in_threadpool(
        record, request.app.state.engine, user.claims, Action.START, procedure_id
    )
    return see_other(f"/procedures/{procedure_id}?fait=ouverte")
