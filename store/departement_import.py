"""Importing a département the national file lists (`quietude reference import`): its communes
come from NATIONAL_FILE, its competent units and tribunals from two small files the
administrator provides (data/README.md). The import checks them, says which communes can be
routed and which cannot, and keeps its files in IMPORTED_DIR/<code>/ of the data folder, which
every load of the reference data (`quietude migrate`) reads again (store.territory_data)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from store.territory_data import (
    DEPARTEMENTS_FILE,
    FORCE_KINDS,
    IMPORTED_DEPARTEMENT_FILE,
    IMPORTED_DIR,
    IMPORTED_TRIBUNAL_COLUMNS,
    IMPORTED_TRIBUNALS_FILE,
    IMPORTED_UNIT_COLUMNS,
    IMPORTED_UNITS_FILE,
    NATIONAL_FILE,
    Territories,
    add_departement,
    national_communes,
    read_csv,
    read_territories,
)

DEPARTEMENT_COLUMNS = (
    "departement",
    "nom",
    "chef_lieu_insee",
    "prefecture_org_id",
    "prefecture",
    "concours_org_id",
    "concours_statut",
    "concours_source",
)
CONCOURS_SOURCE = "CPCE R. 153-1 ; domain/law.md (le préfet du département décide du concours)"


class DepartementImportError(ValueError):
    """The département or the administrator's files cannot be imported; the message says why,
    in French, for the administrator."""


@dataclass
class ImportPlan:
    """What an import would write, and what it would leave out."""

    code: str
    nom: str
    folder: Path
    files: dict[str, str]  # file name in `folder` -> its text
    communes: list[dict[str, str]]  # the département's rows of NATIONAL_FILE
    territories: Territories  # every département, this one included
    no_unit: list[dict[str, str]] = field(default_factory=list)
    no_tribunal: list[dict[str, str]] = field(default_factory=list)

    @property
    def routable(self) -> int:
        """The number of the département's communes a dossier can be routed for."""
        return sum(1 for row in self.communes if row["insee"] in self.territories.communes)

    @property
    def changed(self) -> list[str]:
        """The files whose text differs from the copy kept in `folder` (or that are new)."""
        return [
            name
            for name, text in self.files.items()
            if not (self.folder / name).is_file()
            or (self.folder / name).read_text(encoding="utf-8") != text
        ]


def plan_import(
    data_dir: Path,
    code: str,
    units: Path | None = None,
    tribunals: Path | None = None,
    nom: str | None = None,
    prefecture: str | None = None,
) -> ImportPlan:
    """Check the département `code` and the administrator's files (the copies kept from the last
    import when a file is not given); raise DepartementImportError naming every problem."""
    code = code.strip().upper()
    folder = data_dir / IMPORTED_DIR / code
    own = {row["departement"]: row for row in read_csv(data_dir / DEPARTEMENTS_FILE)}
    if code in own:
        raise DepartementImportError(
            f"Le département {code} ({own[code]['nom']}) est déjà décrit par {DEPARTEMENTS_FILE} "
            "du dossier des données : ses unités manquantes s'ajoutent dans "
            "unites_complementaires.csv, puis « quietude migrate »."
        )
    communes = national_communes(data_dir).get(code, [])
    if not communes:
        raise DepartementImportError(f"Département {code} : aucune commune dans {NATIONAL_FILE}.")
    known = {row["insee"] for row in communes}
    kept = read_csv(folder / IMPORTED_DEPARTEMENT_FILE)
    nom = nom or (kept[0]["nom"] if kept else f"département {code}")
    prefecture = prefecture or (kept[0]["prefecture"] if kept else f"Préfecture ({nom})")
    unit_rows = _admin_rows(units, folder / IMPORTED_UNITS_FILE, IMPORTED_UNIT_COLUMNS, known)
    tribunal_rows = _admin_rows(
        tribunals, folder / IMPORTED_TRIBUNALS_FILE, IMPORTED_TRIBUNAL_COLUMNS, known
    )
    for row in unit_rows:
        if row["force_code"] not in FORCE_KINDS:
            raise DepartementImportError(
                f"{units or IMPORTED_UNITS_FILE}, commune {row['insee']} : force_code "
                f"« {row['force_code']} » (PN ou GN attendu)."
            )
    departement = {
        "departement": code,
        "nom": nom,
        "chef_lieu_insee": kept[0]["chef_lieu_insee"] if kept else "",
        "prefecture_org_id": f"prefecture-{code.lower()}",
        "prefecture": prefecture,
        "concours_org_id": f"prefecture-{code.lower()}",
        "concours_statut": "CONF",
        "concours_source": CONCOURS_SOURCE,
    }
    try:
        territories = read_territories(data_dir, leave_out=code)
        add_departement(territories, [departement], communes, unit_rows, tribunal_rows)
    except ValueError as error:  # two organisations sharing an id, say
        raise DepartementImportError(f"Données incohérentes : {error}.") from None
    with_unit = {row["insee"] for row in unit_rows}
    with_tribunal = {row["insee"] for row in tribunal_rows}
    return ImportPlan(
        code=code,
        nom=nom,
        folder=folder,
        files={
            IMPORTED_DEPARTEMENT_FILE: _csv_text(DEPARTEMENT_COLUMNS, [departement]),
            IMPORTED_UNITS_FILE: _csv_text(IMPORTED_UNIT_COLUMNS, unit_rows),
            IMPORTED_TRIBUNALS_FILE: _csv_text(IMPORTED_TRIBUNAL_COLUMNS, tribunal_rows),
        },
        communes=communes,
        territories=territories,
        no_unit=[row for row in communes if row["insee"] not in with_unit],
        no_tribunal=[row for row in communes if row["insee"] not in with_tribunal],
    )


def write_import(plan: ImportPlan) -> list[str]:
    """Write the plan's files that changed into its folder; their names."""
    changed = plan.changed
    plan.folder.mkdir(parents=True, exist_ok=True)
    for name in changed:
        (plan.folder / name).write_text(plan.files[name], encoding="utf-8")
    return changed


def _admin_rows(
    given: Path | None, kept: Path, columns: tuple[str, ...], known: set[str]
) -> list[dict[str, str]]:
    """The rows of the administrator's file `given` (else of the copy `kept`), trimmed, with
    `columns` (the last, source, may be absent), sorted by commune; each commune of `known`
    once."""
    path = given if given is not None else kept
    if given is not None and not given.is_file():
        raise DepartementImportError(f"Fichier introuvable : {given}.")
    with_header = read_csv(path)
    if with_header:
        absent = [name for name in columns[:-1] if name not in with_header[0]]
        if absent:
            raise DepartementImportError(
                f"{path} : colonnes manquantes {', '.join(absent)} "
                f"(colonnes attendues : {', '.join(columns)})."
            )
    rows: dict[str, dict[str, str]] = {}
    for line, raw in enumerate(with_header, start=2):
        row = {name: (raw.get(name) or "").strip() for name in columns}
        insee = row["insee"]
        if insee not in known:
            raise DepartementImportError(
                f"{path}, ligne {line} : commune « {insee} » absente du département dans "
                f"{NATIONAL_FILE}."
            )
        if insee in rows:
            raise DepartementImportError(f"{path}, ligne {line} : commune {insee} en double.")
        if not row[columns[1]] or not row[columns[-2]]:
            raise DepartementImportError(
                f"{path}, ligne {line} : colonne vide ({', '.join(columns[:-1])})."
            )
        rows[insee] = row
    return [rows[insee] for insee in sorted(rows)]


def _csv_text(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
