"""The plan of a joint intervention: validations, actions, report, evaluation against the
territory's indicators, the form that plans the actions, and the compte rendu (.docx)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.audit import Action, record
from api.deps import SettingsDep
from api.routes.interventions import (
    TEMPLATE,
    intervention_view,
    render_report,
    report_response,
)
from api.web.pages import FormDep, PageError, PageUser, UserDep, refusal, render, see_other
from domain.actors import OrgKind
from domain.facts import StepCompletion
from domain.labels import collation_key
from domain.procedures.intervention_conjointe import CATALOG, OutcomeKey, StepKey
from domain.steps import data_problem
from quietude.procedures import StepRefused, StepRequest, TemporalUnavailable, today_in_paris
from store.tables import Commune, Organisation
from store.visibility import FRONT_LINE_REFUSED, sees_files

router = APIRouter(include_in_schema=False)
PLANIFIEE = CATALOG.outcome_of(StepKey.PLANIFICATION, OutcomeKey.PLANIFIEE)

PLAN_ROWS = 5
NOT_FOUND = (
    "Intervention conjointe introuvable : elle n'existe pas ou votre organisation ne la voit pas."
)
FLASH = {
    "plan": "Les actions sont planifiées : chaque organisation les trouve dans sa page "
    "« À traiter »."
}
PLAN_FIELDS = {"libelle": "Libellé", "org": "Organisation", "date": "Date prévue"}
# Organisations the plan may name besides those already in the procedure.
PLAN_KINDS = (OrgKind.PARQUET, OrgKind.PREFECTURE)


def _view(session: Session, user: PageUser, procedure_id: str) -> dict[str, Any]:
    view = intervention_view(session, user.scope, procedure_id)
    if view is None:
        raise PageError(404, NOT_FOUND, "Intervention introuvable")
    record(session, user.claims, Action.READ, procedure_id)
    return view


def plan_choices(session: Session, view: dict[str, Any]) -> list[tuple[str, str]]:
    """The organisations an action may be given to: the bailleur, those already in the
    procedure, the forces competent for the commune, the parquets and the préfecture."""
    ids = {view["bailleur_id"]}
    ids |= {s["org_id"] for s in view["validations"] + view["actions"]}
    commune = session.get(Commune, view["commune_insee"])
    if commune is not None and commune.forces_org_id:
        ids.add(commune.forces_org_id)
    rows = session.exec(
        select(Organisation).where(
            col(Organisation.id).in_(ids) | col(Organisation.kind).in_(PLAN_KINDS)
        )
    ).all()
    return sorted(((o.id, o.name) for o in rows), key=lambda choice: collation_key(choice[1]))


def plan_labels(rows: int) -> dict[str, str]:
    """The label of each input of the plan form, read by the input and by the summary of its
    errors; a row's inputs are told apart by the row's number."""
    named = {
        f"actions.{row}.{name}": f"{word} (action {row + 1})"
        for row in range(rows)
        for name, word in PLAN_FIELDS.items()
    }
    return {**named, "date": "Date de la planification", "comment": "Commentaire"}


def _page(
    request: Request,
    user: PageUser,
    procedure_id: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
    flash: str = "",
) -> Response:
    with Session(request.app.state.engine) as session:
        view = _view(session, user, procedure_id)
        plan = view["planification"]
        plannable = bool(plan and plan["status"] == "pending" and plan["org_id"] == user.claims.org)
        choices = plan_choices(session, view) if plannable else []
    context = {
        **view,
        "plannable": plannable,
        "org_choices": choices,
        "rows": range(PLAN_ROWS),
        "values": values or {"date": today_in_paris().isoformat()},
        "errors": errors or {},
        "plan_labels": plan_labels(PLAN_ROWS),
        "message": message,
        "flash": flash,
        "sees_files": user.sees_files,
    }
    return render(request, "intervention.html", context, user=user, status=status)


@router.get("/interventions/{procedure_id}")
def intervention_page(
    request: Request, user: UserDep, procedure_id: str, fait: str = ""
) -> Response:
    """The plan of a joint intervention and its evaluation, indicators before and after."""
    return _page(request, user, procedure_id[:100], flash=FLASH.get(fait, ""))


def read_plan(
    posted: FormData, choices: set[str]
) -> tuple[StepCompletion | None, dict[str, str], dict[str, str]]:
    """The planification typed in the form (blank rows ignored), or the errors beside its
    inputs; also the values to send back."""
    values = {name: str(value).strip() for name, value in posted.multi_items()}
    errors: dict[str, str] = {}
    actions = []
    for row in range(PLAN_ROWS):
        names = {part: f"actions.{row}.{part}" for part in ("org", "libelle", "date")}
        typed = {part: values.get(name, "") for part, name in names.items()}
        if not any(typed.values()):
            continue
        for part, name in names.items():
            if not typed[part]:
                errors[name] = "Requis pour planifier cette action."
        if typed["org"] and typed["org"] not in choices:
            errors[names["org"]] = "Choisir une organisation de la liste."
        if typed["date"]:
            try:
                date.fromisoformat(typed["date"])
            except ValueError:
                errors[names["date"]] = "Date invalide (format attendu AAAA-MM-JJ)."
        actions.append(typed)
    if not actions:
        errors["actions.0.libelle"] = "Le plan compte au moins une action."
    try:
        day = date.fromisoformat(values.get("date", ""))
    except ValueError:
        errors["date"] = "Date invalide (format attendu AAAA-MM-JJ)."
    if errors:
        return None, values, errors
    problem = data_problem(PLANIFIEE, {"actions": actions})
    if problem:
        return None, values, {"actions.0.libelle": problem}
    completion = StepCompletion(
        outcome=OutcomeKey.PLANIFIEE,
        date=day,
        data={"actions": actions},
        comment=values.get("comment") or None,
    )
    return completion, values, errors


@router.post("/interventions/{procedure_id}/plan")
async def plan_actions(
    request: Request, user: UserDep, form: FormDep, procedure_id: str
) -> Response:
    """Plan the actions (the forces' planification step); refusals come back beside the form."""
    procedure_id = procedure_id[:100]

    def choices() -> set[str]:
        with Session(request.app.state.engine) as session:
            view = intervention_view(session, user.scope, procedure_id)
            if view is None:
                raise PageError(404, NOT_FOUND, "Intervention introuvable")
            return {org_id for org_id, _ in plan_choices(session, view)}

    completion, values, errors = read_plan(form, await run_in_threadpool(choices))
    if completion is None:
        message = "Le formulaire contient des erreurs : rien n'a été enregistré."
        return await run_in_threadpool(
            _page, request, user, procedure_id, values, errors, message, 422
        )
    try:
        service = await request.app.state.services.get()
        await service.complete_step(
            StepRequest(
                caller=user.claims,
                procedure_id=procedure_id,
                key=StepKey.PLANIFICATION,
                completion=completion,
            )
        )
    except (StepRefused, TemporalUnavailable) as error:
        status, message = refusal(error)
        return await run_in_threadpool(
            _page, request, user, procedure_id, values, {}, message, status
        )
    await run_in_threadpool(
        record,
        request.app.state.engine,
        user.claims,
        Action.COMPLETE,
        procedure_id,
        StepKey.PLANIFICATION,
    )
    return see_other(f"/interventions/{procedure_id}?fait=plan")


@router.get("/interventions/{procedure_id}/compte-rendu.docx")
def report_file(
    request: Request, user: UserDep, settings: SettingsDep, procedure_id: str
) -> Response:
    """The compte rendu (.docx) of a joint intervention the user's organisation sees."""
    if not sees_files(user.org_kind, user.claims.role.value):
        raise PageError(403, FRONT_LINE_REFUSED, "Document réservé")
    procedure_id = procedure_id[:100]
    engine = request.app.state.engine
    with Session(engine) as session:
        view = intervention_view(session, user.scope, procedure_id)
        if view is None:
            raise PageError(404, NOT_FOUND, "Intervention introuvable")
        data = render_report(engine, settings.templates_dir, view, today_in_paris().isoformat())
        record(session, user.claims, Action.DOCUMENT, procedure_id, TEMPLATE)
    return report_response(procedure_id, data)
