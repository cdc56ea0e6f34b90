"""The CSV layout of résiliation dossiers in progress: reading a spreadsheet export, turning each
line into the API start body, naming the column of each invalid value (docs/import-csv.md)."""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from domain.kinds import ProcedureKind
from domain.procedures import StartBody
from domain.procedures.resiliation import CATALOG as RESILIATION
from domain.procedures.resiliation_facts import ResiliationFacts
from domain.validation_messages import describe_error

# A retired step (replaced by others in the flow) has no columns.
STEP_KEYS = tuple(step.key for step in RESILIATION.steps if not step.retired)
REQUIRED_COLUMNS = (
    "reference_logement", "residence_nom", "adresse", "commune_insee", "bail_reference",
    "bail_date_effet", "locataires", "motifs", "etape",
)  # fmt: skip
OPTIONAL_COLUMNS = ("batiment", "hall", "occupants", "impayes", "origine", "injonction_date")
STEP_FIELDS = {"date": "dates", "resultat": "outcomes", "donnees": "data"}
COLUMNS = (
    REQUIRED_COLUMNS
    + OPTIONAL_COLUMNS
    + tuple(f"{prefix}_{key}" for key in STEP_KEYS for prefix in STEP_FIELDS)
)
# Where each field of the start body comes from, to name the column of an invalid value.
FIELD_COLUMNS: dict[tuple[str, ...], str] = {
    ("logement", "reference"): "reference_logement",
    ("logement", "residence", "nom"): "residence_nom",
    ("logement", "residence", "adresse"): "adresse",
    ("logement", "residence", "commune_insee"): "commune_insee",
    ("logement", "residence", "batiment"): "batiment",
    ("logement", "residence", "hall"): "hall",
    ("bail", "reference"): "bail_reference",
    ("bail", "date_effet"): "bail_date_effet",
    ("injonction", "date"): "injonction_date",
    ("en_cours", "etape"): "etape",
}
START_BODY: TypeAdapter[Any] = TypeAdapter(StartBody)
# The import rules speak of the API body's fields; the file has one column per step instead.
API_WORDING = (
    (re.compile(r"« (\w+) » dans en_cours\.outcomes"), r"« \1 » dans la colonne resultat_\1"),
    (
        re.compile(r"« (\w+) » \((\w+)\) : ([^()]*) \(dans en_cours\.data\)"),
        r"« \1 » (\2) : \3 (dans la colonne donnees_\1)",
    ),
    (re.compile(r"en_cours\.data, étape « (\w+) »"), r"donnees_\1"),
)


class ImportFileError(Exception):
    """The file cannot be read as an export of dossiers (message in French, exit code 2)."""


class LineError(ValueError):
    """A line cannot become a dossier (message in French)."""


@dataclass(frozen=True)
class CsvLine:
    """One dossier of the file: its line number (the header is line 1) and its cells."""

    number: int
    cells: dict[str, str]
    extra_cells: int = 0  # cells beyond the header's columns


def read_dossiers(raw: bytes) -> list[CsvLine]:
    """Decode the file, find its separator, check its header; return its non-empty lines."""
    try:
        text = raw.decode("utf-8-sig")  # "-sig": Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        raise ImportFileError(
            "Fichier illisible : ce n'est pas un texte UTF-8. L'enregistrer depuis le tableur "
            "au format « CSV UTF-8 »."
        ) from None
    if "\x00" in text:
        raise ImportFileError("Fichier illisible : ce n'est pas un fichier CSV (fichier binaire).")
    first_line = text.splitlines()[0] if text.strip() else ""
    # The header holds only snake_case names: whichever separator it contains is the one.
    delimiter = ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = check_header(next(reader, []))
        lines: list[CsvLine] = []
        last = reader.line_num
        for row in reader:
            number, last = last + 1, reader.line_num
            if any(cell.strip() for cell in row):
                cells = {name: cell.strip() for name, cell in zip(names, row, strict=False)}
                lines.append(CsvLine(number, cells, max(0, len(row) - len(names))))
    except csv.Error as error:
        raise ImportFileError(f"Fichier CSV illisible ligne {reader.line_num} : {error}.") from None
    return lines


def check_header(row: Sequence[str]) -> list[str]:
    """The column names of the header row; ImportFileError if it is absent or wrong."""
    names = [cell.strip().lower() for cell in row]
    if not any(names):
        raise ImportFileError("Fichier vide : la ligne 1 doit nommer les colonnes.")
    if not set(names) & set(REQUIRED_COLUMNS):
        raise ImportFileError(
            "Ligne d'en-tête absente : la ligne 1 doit nommer les colonnes ("
            + ", ".join(REQUIRED_COLUMNS)
            + ", …), voir docs/import-csv.md."
        )
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise ImportFileError("Colonnes inconnues : " + ", ".join(map(_suggest, unknown)) + ".")
    doubles = sorted({name for name in names if names.count(name) > 1})
    if doubles:
        raise ImportFileError("Colonnes en double : " + ", ".join(doubles) + ".")
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ImportFileError("Colonnes requises absentes : " + ", ".join(missing) + ".")
    return names


def _suggest(name: str) -> str:
    if not name:
        return "(colonne sans nom)"
    close = difflib.get_close_matches(name, COLUMNS, n=1)
    return f"{name} (vouliez-vous dire {close[0]} ?)" if close else name


class _Cells:
    """Reads the cells of one line, collecting a French message for each unreadable one."""

    def __init__(self, cells: Mapping[str, str]) -> None:
        self.cells = cells
        self.errors: list[tuple[str, str]] = []  # (column, message)

    def text(self, name: str) -> str | None:
        return self.cells.get(name) or None

    def date(self, name: str) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        for parse in (date.fromisoformat, lambda v: datetime.strptime(v, "%d/%m/%Y").date()):
            try:
                return parse(value).isoformat()
            except ValueError:
                continue
        self.errors.append((name, f"date invalide « {value} » (AAAA-MM-JJ ou JJ/MM/AAAA)"))
        return None

    def persons(self, name: str) -> list[dict[str, str]] | None:
        value = self.text(name)
        if value is None:
            return None
        persons = []
        for rank, entry in enumerate(value.split("|"), start=1):
            nom, _, prenom = (part.strip() for part in entry.partition(","))
            if not nom:
                self.errors.append((name, f"nom manquant, personne n° {rank} (« Nom, Prénom »)"))
            persons.append({"nom": nom, "prenom": prenom} if prenom else {"nom": nom})
        return persons

    def codes(self, name: str) -> list[str] | None:
        value = self.text(name)
        return None if value is None else [c.strip() for c in value.split("|") if c.strip()]

    def yes_no(self, name: str) -> bool | None:
        value = self.text(name)
        if value is None or value.lower() in ("oui", "non"):
            return None if value is None else value.lower() == "oui"
        self.errors.append((name, f"« {value} » : oui ou non attendu"))
        return None

    def json_object(self, name: str) -> dict[str, Any] | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            data = json.loads(value)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            return data
        self.errors.append((name, 'objet JSON attendu, par exemple {"audience": "2026-03-02"}'))
        return None


def body_of(cells: Mapping[str, str]) -> dict[str, Any]:
    """The API start body of one line; LineError naming each cell that cannot be read."""
    body, errors = _read_body(cells)
    if errors:
        raise LineError(_joined(errors))
    return body


def facts_of(cells: Mapping[str, str]) -> ResiliationFacts:
    """The validated start body of one line; LineError naming every column in error."""
    body, errors = _read_body(cells)
    facts = None
    try:
        facts = START_BODY.validate_python(body)
    except ValidationError as error:
        # A cell already unreadable is absent from the body: "champ requis" would only repeat it.
        unreadable = {column for column, _ in errors}
        described = [_described(e) for e in error.errors()]
        errors += [(c, m) for c, m in described if c.split(" (")[0] not in unreadable]
    if errors:
        raise LineError(_joined(errors))
    assert isinstance(facts, ResiliationFacts)
    return facts


def _joined(errors: list[tuple[str, str]]) -> str:
    return " ; ".join(f"{column} : {message}" if column else message for column, message in errors)


def _read_body(cells: Mapping[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    read = _Cells(cells)
    fields = {
        "kind": ProcedureKind.RESILIATION.value,
        "logement": _present(
            residence=_present(
                nom=read.text("residence_nom"), adresse=read.text("adresse"),
                commune_insee=read.text("commune_insee"), batiment=read.text("batiment"),
                hall=read.text("hall"),
            ),
            reference=read.text("reference_logement"),
        ),
        "bail": _present(reference=read.text("bail_reference"),
                         date_effet=read.date("bail_date_effet")),
        "locataires": read.persons("locataires"),
        "occupants": read.persons("occupants"),
        "motifs": read.codes("motifs"),
        "impayes": read.yes_no("impayes"),
        "origine": read.text("origine"),
        "injonction": _present(date=read.date("injonction_date")) or None,
    }  # fmt: skip
    en_cours: dict[str, Any] = _present(etape=read.text("etape"))
    for prefix, field in STEP_FIELDS.items():
        reader = {"date": read.date, "resultat": read.text, "donnees": read.json_object}[prefix]
        values = {key: reader(f"{prefix}_{key}") for key in STEP_KEYS}
        en_cours[field] = _present(**values)
    return {**_present(**fields), "en_cours": en_cours}, read.errors


def _present(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def _described(error: Any) -> tuple[str, str]:
    parts = [p for p in error.get("loc", ()) if p not in (ProcedureKind.RESILIATION, "[key]")]
    column = column_of(parts)
    message = describe_error(error)
    value = error.get("input")
    if error.get("type") != "missing" and isinstance(value, str) and len(value) <= 60:
        message = f"« {value} » : {message}"
    return column, message


def in_csv_terms(message: str) -> str:
    """A message about the API start body, naming the file's columns instead of its fields."""
    for pattern, replacement in API_WORDING:
        message = pattern.sub(replacement, message)
    return message


def column_of(path: Sequence[str | int]) -> str:
    """The CSV column a field of the start body comes from (its dotted path if none)."""
    for size in range(len(path), 0, -1):
        column = FIELD_COLUMNS.get(tuple(str(p) for p in path[:size]))
        if column:
            return column
    if len(path) >= 2 and path[0] in ("locataires", "occupants", "motifs"):
        return f"{path[0]} (n° {int(path[1]) + 1})"
    if len(path) >= 3 and path[0] == "en_cours":
        prefix = next((p for p, field in STEP_FIELDS.items() if field == path[1]), None)
        if prefix:
            return f"{prefix}_{path[2]}"
    return ".".join(str(p) for p in path)
