"""What the procedure page and the answer page show, built from the same read-model query and
response models as the API."""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic.fields import FieldInfo
from sqlmodel import Session

from api import audit
from api.schemas import ProcedurePublic, StepPublic
from api.web import labels
from api.web.pages import PageError, PageUser
from domain.actors import Role
from domain.labels import field_enum, field_moment, humanise
from domain.procedures import find
from domain.steps import Catalog, OutcomeData, StepSpec, StepStatus
from quietude.procedures import today_in_paris
from quietude.settings import Settings
from store.queries import commune_names, get_procedure, pieces_of

NOT_FOUND = "Procédure introuvable : elle n'existe pas ou votre organisation ne la voit pas."
STEP_NOT_YOURS = (
    "Cette étape n'attend pas votre organisation, ou elle est déjà accomplie : "
    "rien n'a été enregistré."
)
FLASH = {
    "ouverte": "La procédure est ouverte : ses premières étapes et leurs échéances figurent "
    "ci-dessous.",
    "etape": "L'étape est enregistrée.",
    "piece": "La pièce est versée au dossier.",
    "doublon": "Ce fichier figurait déjà au dossier : il n'a pas été ajouté une seconde fois.",
}


@dataclass(frozen=True)
class DataField:
    """An input of a step form for one data value of the catalogue."""

    name: str
    label: str
    type: str  # "date", "int", "bool", "text" or "choice"
    choices: tuple[tuple[str, str], ...] = ()
    required_for: tuple[str, ...] = ()  # labels of the outcomes that need it


@dataclass(frozen=True)
class StepForm:
    """The form completing one pending step of the caller's organisation."""

    step: StepPublic
    outcomes: tuple[tuple[str, str], ...]
    fields: tuple[DataField, ...]
    spec: StepSpec  # the catalogue's step: its outcomes' data models judge what is typed

    @property
    def labels(self) -> dict[str, str]:
        """The label of each input, read by the input and by the summary of the errors."""
        data = {f"data.{field.name}": field.label for field in self.fields}
        return {**labels.STEP_LABELS, **data}


@dataclass
class FormState:
    """A form sent back with what was typed and what is wrong with it."""

    target: str  # a step key, or "piece"
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""


def _data_field(spec: StepSpec, name: str, field: FieldInfo) -> DataField:
    moment = field_moment(field_model(spec, name), name)
    enum = field_enum(field_model(spec, name), name)
    if enum is not None:
        kind, choices = "choice", enum.choices()
    elif moment is not None:
        kind, choices = "date", ()
    elif field.annotation in (bool, bool | None):
        kind, choices = "bool", ()
    elif field.annotation in (int, int | None):
        kind, choices = "int", ()
    else:
        kind, choices = "text", ()
    required_for = tuple(o.label for o in spec.outcomes if name in o.required)
    return DataField(name, field.title or humanise(name), kind, choices, required_for)


def field_model(spec: StepSpec, name: str) -> type[OutcomeData]:
    """The model of the first outcome of `spec` whose data has field `name`."""
    return next(o.data for o in spec.outcomes if o.data and name in o.data.model_fields)


def data_fields(spec: StepSpec) -> tuple[DataField, ...]:
    """The data inputs of a step, from its outcomes' models: the required ones first (a list,
    such as the actions of a plan, has a page of its own)."""
    fields = {
        name: field
        for name, field in spec.data_fields().items()
        if typing.get_origin(field.annotation) is not list
    }
    required = [name for o in spec.outcomes for name in o.required]
    names = dict.fromkeys(name for name in [*required, *fields] if name in fields)
    return tuple(_data_field(spec, name, fields[name]) for name in names)


def step_form(catalog: Catalog, step: StepPublic) -> StepForm | None:
    """The form of a pending step, if the catalogue knows it."""
    if not catalog.has(step.key):
        return None
    spec = catalog.spec(step.key)
    outcomes = tuple((o.key, o.label) for o in spec.outcomes)
    return StepForm(step=step, outcomes=outcomes, fields=data_fields(spec), spec=spec)


def applicable_steps(kind: str, facts: dict[str, Any]) -> frozenset[str] | None:
    """The steps this dossier may go through, when its facts are all visible."""
    definition = find(kind)
    if definition is None:
        return None
    try:
        parsed = definition.parse(facts)
    except ValidationError:
        return None  # a partner sees part of the facts only
    return definition.applicable(parsed)


def planned_next(
    catalog: Catalog, step: StepPublic, applicable: frozenset[str] | None
) -> list[tuple[str, list[str]]]:
    """For each outcome of a pending step, the labels of the steps it opens."""
    if not catalog.has(step.key):
        return []
    planned = []
    for outcome in catalog.spec(step.key).outcomes:
        keys = [k for k in outcome.next if applicable is None or k in applicable]
        labels = [catalog.spec(k).label for k in keys if not catalog.spec(k).retired]
        planned.append((outcome.label, labels))
    return planned


def own_step_form(session: Session, user: PageUser, procedure_id: str, key: str) -> StepForm:
    """The form of step `key` if it waits for the user's organisation; 404 if the procedure is
    not visible to it, 409 if the step does not wait for it."""
    found = get_procedure(session, user.scope, procedure_id)
    if found is None:
        raise PageError(404, NOT_FOUND, "Procédure introuvable")
    definition = find(found.procedure.kind)
    waiting = [
        s
        for s in found.steps
        if s.key == key and s.status == StepStatus.PENDING and s.org_id == user.claims.org
    ]
    form = None
    if definition and waiting:
        catalog = definition.catalog
        form = step_form(catalog, StepPublic.of(waiting[-1], found.org_names, catalog))
    if form is None:
        raise PageError(409, STEP_NOT_YOURS, "Étape indisponible")
    return form


def procedure_context(
    session: Session, settings: Settings, user: PageUser, procedure_id: str
) -> dict[str, Any]:
    """Everything the procedure page shows to `user`; 404 if its organisation may not see it."""
    found = get_procedure(session, user.scope, procedure_id)
    if found is None:
        raise PageError(404, NOT_FOUND, "Procédure introuvable")
    definition = find(found.procedure.kind)
    catalog = definition.catalog if definition else None
    procedure = ProcedurePublic.of_record(found, user.org_kind, catalog, user.claims.role.value)
    audit.record(session, user.claims, audit.Action.READ, procedure_id)
    pending = [s for s in procedure.steps if s.status == StepStatus.PENDING]
    mine = [s for s in pending if s.org == user.claims.org]
    applicable = applicable_steps(procedure.kind, procedure.facts)
    forms = [f for f in (step_form(catalog, s) for s in mine) if f] if catalog else []
    namespace = settings.temporal_namespace
    return {
        "procedure": procedure,
        "facts": labels.facts_view(
            procedure.facts, definition.facts if definition else None, commune_names(session)
        ),
        "pending": pending,
        "done": [s for s in procedure.steps if s.status != StepStatus.PENDING],
        "forms": {f.step.key: f for f in forms},
        "planned": {s.key: planned_next(catalog, s, applicable) for s in pending}
        if catalog
        else {},
        "pieces": pieces_of(session, procedure_id) if user.sees_files else [],
        "sees_files": user.sees_files,
        "can_contribute": procedure.bailleur.id == user.claims.org or bool(mine),
        "is_owner": procedure.bailleur.id == user.claims.org,
        # The engine's console is for those who run the application, not for its users.
        "temporal_url": f"{settings.temporal_ui_url.rstrip('/')}/namespaces/{namespace}"
        f"/workflows/{procedure.id}"
        if user.claims.role == Role.ADMIN
        else "",
        "piece_kinds": labels.PIECE_KINDS,
        "states": {},
        "today": today_in_paris().isoformat(),
    }
