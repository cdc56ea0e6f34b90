"""HTML forms read into the API's own pydantic models, and their errors put back beside the
fields they concern."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ValidationError
from starlette.datastructures import FormData

from api.web.labels import PARIS
from api.web.session import CSRF_FIELD
from domain.facts import Lien
from domain.labels import Labelled
from domain.validation_messages import describe_error

_INDEX = re.compile(r"\.\d+(?=\.|$)")
_IDS = re.compile(r"[\s,;]+")
_ITEMS = re.compile(r"[,;]")


@dataclass(frozen=True)
class FormSpec:
    """How the fields of one form map to its model: names are dotted paths of the model
    ("residence.nom", "locataires.0.nom"); `*` stands for a row number."""

    model: type[BaseModel]
    fixed: dict[str, Any] = field(default_factory=dict)  # e.g. the kind of the procedure
    multiple: frozenset[str] = frozenset()  # checkboxes sharing a name: a list of values
    datetimes: frozenset[str] = frozenset()  # <input type="datetime-local">, Paris time
    checkboxes: frozenset[str] = frozenset()
    id_lists: frozenset[str] = frozenset()  # procedure numbers, e.g. "liens"
    # Lists of plain texts typed in one input, split on commas and semicolons ("halls").
    string_lists: frozenset[str] = frozenset()
    # Plainer words than the model's for an error of a whole field, e.g. a list left empty.
    messages: dict[str, str] = field(default_factory=dict)
    # Objects the model accepts as absent: left out, rather than sent empty, when left blank.
    optional_groups: frozenset[str] = frozenset()


@dataclass
class FormResult:
    """What was typed (to show it again), the body built from it, and the errors found."""

    values: dict[str, Any]
    model: BaseModel | None = None
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.model is not None and not self.errors and not self.general


def _models_in(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """("." , model) for a field holding a model (maybe optional), (".*.", model) for a list of
    models, else None."""
    if typing.get_origin(annotation) is list:
        inner = typing.get_args(annotation)
        if inner and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
            return ".*.", inner[0]
        return None
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return ".", candidate
    return None


def _walk(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, Any, bool]]:
    """(dotted path, annotation, required) of every field of `model`, nested ones included
    (a list's items under "path.*")."""
    for name, info in model.model_fields.items():
        path = prefix + name
        yield path, info.annotation, info.is_required()
        nested = _models_in(info.annotation)
        if nested is not None:
            yield from _walk(nested[1], path + nested[0])


def _is(annotation: Any, kind: type) -> bool:
    return any(
        a is kind or (isinstance(a, type) and issubclass(a, kind))
        for a in (annotation, *typing.get_args(annotation))
    )


def form_spec(model: type[BaseModel], messages: dict[str, str] | None = None) -> FormSpec:
    """How an HTML form maps to `model`, from the types of its fields."""
    datetimes, checkboxes, multiple, id_lists, optional_groups = set(), set(), set(), set(), set()
    string_lists = set()
    kind = model.model_fields.get("kind")
    for path, annotation, required in _walk(model):
        inner = typing.get_args(annotation) if typing.get_origin(annotation) is list else ()
        if annotation is AwareDatetime or _is(annotation, datetime):
            datetimes.add(path)
        elif annotation is bool:
            checkboxes.add(path)
        elif inner and _is(inner[0], Labelled):
            multiple.add(path)
        elif inner and inner[0] is Lien:
            id_lists.add(path)
        elif inner and inner[0] is str:
            string_lists.add(path)
        elif not required and (_models_in(annotation) or ("", None))[0] == ".":
            optional_groups.add(path)
    return FormSpec(
        model=model,
        fixed={"kind": typing.get_args(kind.annotation)[0]} if kind else {},
        multiple=frozenset(multiple),
        datetimes=frozenset(datetimes),
        checkboxes=frozenset(checkboxes),
        id_lists=frozenset(id_lists),
        string_lists=frozenset(string_lists),
        messages=dict(messages or {}),
        optional_groups=frozenset(optional_groups),
    )


def field_id(name: str, prefix: str = "") -> str:
    """The id of the input named `name` ("residence.nom" → "f-residence-nom"); `prefix` tells
    apart the inputs of several forms of one page."""
    return "f-" + (prefix + name).replace(".", "-").replace("_", "-")


def _pattern(name: str) -> str:
    return _INDEX.sub(".*", name)


def _paris(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text  # the model names the error
    return moment.replace(tzinfo=PARIS).isoformat() if moment.tzinfo is None else text


def _put(tree: dict[str, Any], path: list[str], value: Any) -> None:
    node = tree
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def _group(tree: dict[str, Any], path: list[str]) -> None:
    node = tree
    for part in path:
        node = node.setdefault(part, {})


def _lists(node: Any, path: tuple[str, ...], rows: dict[tuple[str, ...], list[str]]) -> Any:
    """Turn {"0": {...}, "2": {...}} into a list, remembering which row each item came from."""
    if not isinstance(node, dict):
        return node
    if node and all(key.isascii() and key.isdigit() for key in node):
        kept = [key for key in sorted(node, key=int) if _filled(node[key])]
        rows[path] = kept
        return [_lists(node[key], (*path, key), rows) for key in kept]
    return {key: _lists(value, (*path, key), rows) for key, value in node.items()}


def _filled(row: Any) -> bool:
    if isinstance(row, dict):
        return any(_filled(value) for key, value in row.items() if value is not False)
    return row not in (None, "", False)


def read_form(spec: FormSpec, form: FormData) -> FormResult:
    """Read `form` into `spec.model`; errors are keyed by the name of their input."""
    values: dict[str, Any] = {}
    tree: dict[str, Any] = dict(spec.fixed)
    for name in {key for key, _ in form.multi_items() if key != CSRF_FIELD}:
        pattern = _pattern(name)
        if pattern in spec.multiple:
            chosen = [str(v) for v in form.getlist(name) if str(v).strip()]
            values[name] = chosen
            _put(tree, name.split("."), chosen)
            continue
        text = str(form.get(name) or "").strip()
        values[name] = text
        if pattern in spec.checkboxes:
            _put(tree, name.split("."), bool(text))
        elif pattern in spec.id_lists:
            ids = [part for part in _IDS.split(text) if part]
            _put(tree, name.split("."), [{"procedure_id": i} for i in ids])
        elif pattern in spec.string_lists:
            items = [part.strip() for part in _ITEMS.split(text) if part.strip()]
            _put(tree, name.split("."), items)
        elif text:
            _put(tree, name.split("."), _paris(text) if pattern in spec.datetimes else text)
        elif "." in name and name.split(".")[0] not in spec.optional_groups:
            # An object left blank is sent empty, so that each of its missing fields is named.
            _group(tree, name.split(".")[:-1])
    rows: dict[tuple[str, ...], list[str]] = {}
    body = _lists(tree, (), rows)
    result = FormResult(values=values)
    try:
        result.model = spec.model.model_validate(body)
    except ValidationError as error:
        for problem in error.errors():
            place_error(result.errors, result.general, problem, rows)
        result.errors = _by_input(spec, result.errors)
        for name, message in spec.messages.items():
            if name in result.errors:
                result.errors[name] = message
    return result


def _by_input(spec: FormSpec, errors: dict[str, str]) -> dict[str, str]:
    """The errors keyed by their input: an item of a list typed in one input ("liens.1…") is
    told beside that input ("liens")."""
    typed_whole = spec.id_lists | spec.string_lists
    placed: dict[str, str] = {}
    for name, message in errors.items():
        parts = name.split(".")
        heads = (".".join(parts[:end]) for end in range(1, len(parts)))
        placed.setdefault(next((h for h in heads if _pattern(h) in typed_whole), name), message)
    return placed


def place_error(
    errors: dict[str, str],
    general: list[str],
    problem: Any,
    rows: dict[tuple[str, ...], list[str]],
) -> None:
    """Put one pydantic error beside the input it concerns (or above the form); `rows` gives
    the row number of the input behind each item of a list."""
    message = describe_error(problem)
    message = message[:1].upper() + message[1:]
    parts: list[str] = []
    for part in problem.get("loc", ()):
        if isinstance(part, int):
            kept = rows.get(tuple(parts), [])
            parts.append(kept[part] if part < len(kept) else str(part))
        else:
            parts.append(str(part))
    if not parts:
        general.append(message)
        return
    errors.setdefault(".".join(parts), message)
