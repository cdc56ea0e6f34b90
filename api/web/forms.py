"""HTML forms read into the API's own pydantic models, and their errors put back beside the
fields they concern."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from api.web.labels import PARIS
from api.web.session import CSRF_FIELD
from domain.validation_messages import describe_error

_INDEX = re.compile(r"\.\d+(?=\.|$)")
_IDS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class FormSpec:
    """How the fields of one form map to its model: names are dotted paths of the model
    ("residence.nom", "locataires.0.nom"); `*` stands for a row number."""

    model: type[BaseModel]
    fixed: dict[str, Any] = field(default_factory=dict)  # e.g. {"kind": "resiliation"}
    multiple: frozenset[str] = frozenset()  # checkboxes sharing a name: a list of values
    datetimes: frozenset[str] = frozenset()  # <input type="datetime-local">, Paris time
    checkboxes: frozenset[str] = frozenset()
    id_lists: frozenset[str] = frozenset()  # procedure numbers, e.g. "liens"
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
    if node and all(key.isdigit() for key in node):
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
        for name, message in spec.messages.items():
            if name in result.errors:
                result.errors[name] = message
    return result


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
