"""Completing a step from the pages: the answer page of a request, and the form's handling."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.audit import Action, record
from api.deps import SettingsDep
from api.web.forms import place_error
from api.web.pages import FormDep, PageError, PageUser, UserDep, refusal, render, see_other
from api.web.procedure_view import (
    FLASH,
    STEP_NOT_YOURS,
    DataField,
    FormState,
    StepForm,
    own_step_form,
    procedure_context,
)
from domain.facts import StepCompletion
from domain.steps import OutcomeSpec, data_errors
from quietude.procedures import StepRefused, StepRequest, TemporalUnavailable
from quietude.settings import Settings

router = APIRouter(include_in_schema=False)


def render_procedure(
    request: Request,
    settings: Settings,
    user: PageUser,
    procedure_id: str,
    key: str | None,
    state: FormState | None = None,
    status: int = 200,
    flash: str = "",
) -> Response:
    """The answer page of step `key` (or the procedure page when `key` is None)."""
    with Session(request.app.state.engine) as session:
        context = procedure_context(session, settings, user, procedure_id)
    if state is not None:
        context["states"] = {state.target: state}
    context["flash"] = flash
    if key is None:
        return render(request, "procedure.html", context, user=user, status=status)
    form = context["forms"].get(key)
    if form is None and state is None:
        raise PageError(409, STEP_NOT_YOURS, "Étape indisponible")
    context["form"] = form
    context["key"] = key
    return render(request, "answer.html", context, user=user, status=status)


@router.get("/procedures/{procedure_id}/etapes/{key}")
def answer_page(
    request: Request,
    user: UserDep,
    settings: SettingsDep,
    procedure_id: str,
    key: str,
    fait: str = "",
) -> Response:
    """The page answering one request addressed to the user's organisation."""
    return render_procedure(
        request, settings, user, procedure_id[:100], key[:100], flash=FLASH.get(fait, "")
    )


def _convert(field: DataField, text: str) -> Any:
    """The JSON value of a data input as typed: a box ticked is true, digits a number; the
    outcome's model judges the rest (a date, a code…)."""
    if field.type == "bool":
        return True
    if field.type == "int" and text.isascii() and text.lstrip("-").isdigit():
        return int(text)
    return text


def _check_data(
    form: StepForm, outcome: OutcomeSpec, data: dict[str, Any], state: FormState
) -> None:
    """Put beside its input each error of `data` against the outcome's model (the workflow's
    check, same words); an error no input shows is told above the form."""
    error = data_errors(outcome, data)
    if error is None or outcome.data is None:
        return
    inputs = {field.name for field in form.fields}
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        if name not in inputs:
            state.message = outcome.data.problem(error)
        elif problem["type"] == "missing":
            state.errors.setdefault(f"data.{name}", f"Requis pour « {outcome.label} ».")
        else:
            place_error(state.errors, [], {**problem, "loc": ("data", name)}, {})


def read_completion(form: StepForm, posted: FormData) -> tuple[StepCompletion | None, FormState]:
    """The completion typed in a step form, or the errors to show beside its inputs."""
    state = FormState(target=form.step.key)
    state.values = {name: str(value).strip() for name, value in posted.multi_items()}
    key = state.values.get("outcome", "")
    outcome = form.spec.outcome(key) if key in dict(form.outcomes) else None
    data: dict[str, Any] = {}
    if outcome is None:
        state.errors["outcome"] = "Choisir le résultat de l'étape dans la liste."
    else:
        # The values of the data the chosen outcome carries; those typed for another are left.
        carried = outcome.data.model_fields if outcome.data else {}
        for field in form.fields:
            text = state.values.get(f"data.{field.name}", "")
            if text and field.name in carried:
                data[field.name] = _convert(field, text)
        _check_data(form, outcome, data, state)
    body = {
        "outcome": key or "?",
        "date": state.values.get("date") or None,
        "data": data,
        "comment": state.values.get("comment") or None,
    }
    try:
        completion = StepCompletion.model_validate(body)
    except ValidationError as error:
        for problem in error.errors():
            # StepCompletion checks single fields only: every error has its input.
            place_error(state.errors, [], problem, {})
        return None, state
    return (None if state.errors or state.message else completion), state


@router.post("/procedures/{procedure_id}/etapes/{key}")
async def complete_step(
    request: Request,
    user: UserDep,
    settings: SettingsDep,
    form: FormDep,
    procedure_id: str,
    key: str,
) -> Response:
    """Complete a step of the user's organisation; refusals come back beside the form."""
    procedure_id, key = procedure_id[:100], key[:100]
    page_key = key if form.get("depuis") == "reponse" else None

    def step_of_user() -> StepForm:
        with Session(request.app.state.engine) as session:
            return own_step_form(session, user, procedure_id, key)

    completion, state = read_completion(await run_in_threadpool(step_of_user), form)
    if completion is None:
        state.message = state.message or (
            "Le formulaire contient des erreurs : rien n'a été enregistré."
        )
        return await run_in_threadpool(
            render_procedure, request, settings, user, procedure_id, page_key, state, 422
        )
    try:
        service = await request.app.state.services.get()
        await service.complete_step(
            StepRequest(
                caller=user.claims, procedure_id=procedure_id, key=key, completion=completion
            )
        )
    except (StepRefused, TemporalUnavailable) as error:
        status, state.message = refusal(error)
        return await run_in_threadpool(
            render_procedure, request, settings, user, procedure_id, page_key, state, status
        )
    await run_in_threadpool(
        record, request.app.state.engine, user.claims, Action.COMPLETE, procedure_id, key
    )
    if page_key is not None:
        # Answered from the inbox's answer page: back to the inbox, with the confirmation.
        return see_other(f"/corbeille?fait=etape&procedure={quote(procedure_id)}")
    return see_other(f"/procedures/{procedure_id}?fait=etape#etapes")
