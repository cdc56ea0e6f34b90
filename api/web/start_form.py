"""The form opening a procedure of any kind, built from its start facts' model (a field's title is
its label, its description its hint, its type its input) and from what the kind's wording adds:
the values an empty form shows, the rows offered for a list, the fields left to the API."""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from annotated_types import MaxLen
from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo

from api.web.forms import FormSpec, form_spec
from domain.definition import ProcedureDefinition, StartWording
from domain.facts import Lien, Residence, StartFacts
from domain.labels import Labelled, humanise

LONG_TEXT = 5_000  # a text that may be this long is typed in a textarea
SHORT_TEXT = 50  # a text at most this long gets a short input, beside its short neighbours
FEW_OPTIONS = 3  # radios up to this many options, a select beyond
# What every start body has and no one types on the page: the kind, an import's progress.
BASE_FIELDS = frozenset(StartFacts.model_fields)
# The résidence's commune is chosen among the communes of the territory.
RESIDENCE_INPUTS: dict[str, dict[str, Any]] = {
    "commune_insee": {"kind": "select", "communes": True},
    "adresse": {"autocomplete": "street-address"},
}


@dataclass(frozen=True)
class Widget:
    """One input of a start form, or a group of inputs, as the template draws it."""

    # text, textarea, date, datetime, select, radios, checkboxes, checkbox (inputs);
    # group (a fieldset), rows (a fieldset of rows), inline (inputs side by side)
    kind: str
    name: str
    label: str = ""
    hint: str = ""
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    children: tuple[Widget, ...] = ()
    short: bool = False
    autocomplete: str = ""
    communes: bool = False  # its options are the communes, read for each page
    residences: bool = False  # a résidence, or a list of them: the bailleur's are recalled


@dataclass(frozen=True)
class StartForm:
    """The form of one kind: its inputs, how it is read, the values an empty one shows."""

    kind: str
    model: type[StartFacts]
    wording: StartWording
    spec: FormSpec
    widgets: tuple[Widget, ...]
    defaults: dict[str, Any]
    # The label (or legend) of each input and group drawn: read by the input and by the summary
    # of the errors, so that the summary names a field as its label does.
    labels: dict[str, str] = dataclasses.field(default_factory=dict)

    def placed(self, errors: dict[str, str]) -> tuple[dict[str, str], list[str]]:
        """The errors beside the nearest input drawn (a field the page does not draw is told
        at its group), and those no input shows."""
        placed: dict[str, str] = {}
        unplaced: list[str] = []
        for name, message in errors.items():
            parts = name.split(".")
            heads = (".".join(parts[:end]) for end in range(len(parts), 0, -1))
            drawn = next((head for head in heads if head in self.labels), None)
            if drawn is None:
                unplaced.append(message)
            else:
                placed.setdefault(drawn, message)
        return placed, unplaced


def start_form(definition: ProcedureDefinition[Any]) -> StartForm:
    """The form opening a procedure of `definition`'s kind."""
    wording = definition.wording
    builder = _Builder(wording.rows, wording.untyped | BASE_FIELDS)
    widgets = builder.fields(definition.facts, "", "", required=True)
    return StartForm(
        kind=definition.kind.value,
        model=definition.facts,
        wording=wording,
        spec=form_spec(definition.facts, wording.messages),
        widgets=widgets,
        defaults={**builder.defaults, **wording.defaults},
        labels=_labels(widgets),
    )


def _labels(widgets: tuple[Widget, ...]) -> dict[str, str]:
    """The label of each widget drawn with one (a line of inputs side by side has none)."""
    found: dict[str, str] = {}
    for widget in widgets:
        if widget.kind != "inline":
            found[widget.name] = widget.label
        found |= _labels(widget.children)
    return found


def _bare(annotation: Any) -> Any:
    """The annotation without its None (an optional value)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kept = [a for a in typing.get_args(annotation) if a is not type(None)]
        return kept[0] if len(kept) == 1 else annotation
    return annotation


def _subclass(annotation: Any, kind: type) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, kind)


def _max_length(info: FieldInfo) -> int | None:
    return next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)


def _side_by_side(widgets: list[Widget]) -> tuple[Widget, ...]:
    """The widgets, consecutive short inputs put on one line."""
    placed: list[Widget] = []
    run: list[Widget] = []
    for widget in [*widgets, None]:
        if widget is not None and widget.short:
            run.append(widget)
            continue
        if len(run) > 1:
            placed.append(Widget("inline", run[0].name, children=tuple(run)))
        else:
            placed.extend(run)
        run = []
        if widget is not None:
            placed.append(widget)
    return tuple(placed)


class _Builder:
    """Walks a start model into widgets, noting the defaults an empty form shows."""

    def __init__(self, rows: dict[str, int], untyped: frozenset[str]) -> None:
        self.rows = rows
        self.untyped = untyped
        self.defaults: dict[str, Any] = {}

    def fields(
        self, model: type[BaseModel], prefix: str, suffix: str, required: bool
    ) -> tuple[Widget, ...]:
        """The widgets of the fields of `model`; `suffix` tells apart the rows of a list."""
        widgets = []
        for name, info in model.model_fields.items():
            if prefix + name in self.untyped:
                continue
            widget = self.widget(info, prefix + name, suffix, required)
            if widget is not None and model is Residence and name in RESIDENCE_INPUTS:
                widget = dataclasses.replace(widget, **RESIDENCE_INPUTS[name])
            if widget is not None:
                widgets.append(widget)
        return _side_by_side(widgets)

    def widget(self, info: FieldInfo, name: str, suffix: str, required: bool) -> Widget | None:
        """The input of one field, or None for a value people do not type (a dict…)."""
        label = (info.title or humanise(name.rsplit(".", 1)[-1])) + suffix
        hint, required = info.description or "", required and info.is_required()
        annotation = _bare(info.annotation)
        if typing.get_origin(annotation) is list:
            return self.list_widget(annotation, name, label, hint, required)
        if _subclass(annotation, BaseModel):
            children = self.fields(annotation, name + ".", suffix, required)
            residences = annotation is Residence
            return Widget("group", name, label, hint, children=children, residences=residences)
        if _subclass(annotation, Labelled):
            if isinstance(info.default, Labelled):
                self.defaults[name] = info.default.value
            kind = "radios" if len(annotation) <= FEW_OPTIONS else "select"
            return Widget(kind, name, label, hint, required, annotation.choices())
        if annotation is bool:
            return Widget("checkbox", name, label, hint)
        if annotation is AwareDatetime or _subclass(annotation, datetime):
            return Widget("datetime", name, label, hint, required)
        if _subclass(annotation, date):
            return Widget("date", name, label, hint, required)
        if annotation is str:
            length = _max_length(info)
            kind = "textarea" if length is not None and length >= LONG_TEXT else "text"
            short = length is not None and length <= SHORT_TEXT
            return Widget(kind, name, label, hint, required, short=short)
        return None

    def list_widget(
        self, annotation: Any, name: str, label: str, hint: str, required: bool
    ) -> Widget | None:
        """A list: codes as checkboxes, numbers or texts in one input, models as rows."""
        (item,) = typing.get_args(annotation)
        if item is Lien or item is str:
            return Widget("text", name, label, hint, required)
        if _subclass(item, Labelled):
            return Widget("checkboxes", name, label, hint, required, item.choices())
        if not _subclass(item, BaseModel):
            return None
        count = self.rows.get(name, 1)
        rows = tuple(self.row(item, f"{name}.{index}", index) for index in range(count))
        residences = item is Residence
        return Widget("rows", name, label, hint, required, children=rows, residences=residences)

    def row(self, item: type[BaseModel], name: str, index: int) -> Widget:
        """One row of a list of models: its inputs on one line, or a fieldset of its own."""
        noun = getattr(item, "noun", "") or "n°"
        children = self.fields(item, name + ".", f" ({noun} {index + 1})", required=False)
        flat = all(child.kind in ("text", "checkbox") for child in children)
        legend = f"{noun[:1].upper()}{noun[1:]} {index + 1}"
        return Widget("inline" if flat else "group", name, legend, children=children)
