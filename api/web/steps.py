"""Completing a step from the pages: the answer page of a request, and the form's handling."""

from __future__ import annotations

from datetime import date
from typing import Any

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
    """The typed value of a data input; ValueError with a French message when it is not one."""
    if field.type == "bool":
        return True
    if field.type == "int":
        if not text.lstrip("-").isdigit():
            raise ValueError("Nombre entier attendu.")
        return int(text)
    if field.type == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("Date invalide (format attendu AAAA-MM-JJ).") from None
    if field.type == "choice" and text not in {key for key, _ in field.choices}:
        raise ValueError("Choisir une valeur de la liste.")
    return text


def read_completion(form: StepForm, posted: FormData) -> tuple[StepCompletion | None, FormState]:
    """The completion typed in a step form, or the errors to show beside its inputs."""
    state = FormState(target=form.step.key)
    state.values = {name: str(value).strip() for name, value in posted.multi_items()}
    outcome = state.values.get("outcome", "")
    labels = dict(form.outcomes)
    if outcome not in labels:
        state.errors["outcome"] = "Choisir le résultat de l'étape dans la liste."
    data: dict[str, Any] = {}
    for field in form.fields:
        text = state.values.get(f"data.{field.name}", "")
        needed = labels.get(outcome) in field.required_for
        if not text:
            if needed:
                state.errors[f"data.{field.name}"] = f"Requis pour « {labels[outcome]} »."
            continue
        if not needed and field.required_for:
            continue  # typed for another outcome than the one chosen
        try:
            data[field.name] = _convert(field, text)
        except ValueError as error:
            state.errors[f"data.{field.name}"] = str(error)
    body = {
        "outcome": outcome or "?",
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
    return (None if state.errors else completion), state


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
        state.message = "Le formulaire contient des erreurs : rien n'a été enregistré."
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
    return see_other(f"/procedures/{procedure_id}?fait=etape#etapes")
