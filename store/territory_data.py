"""The territories read from the reference data folder (data/ile-de-france/SOURCES.md): the
communes a dossier can be routed for, each with the organisations competent for it, the
organisations themselves, and the communes no dossier can be routed for yet (the gaps).

Nothing here names a département: every département, unit, tribunal and préfecture comes from
the files. Inconsistent data (two tribunals or units sharing an id, a commune in two units, a
commune of an unknown département) fails loudly with ValueError."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.actors import OrgKind
from domain.labels import collation_key
from domain.territory import departement_of

COMMUNES_FILE = "communes_idf.csv"
UNITS_FILE = "unites_police_gendarmerie_idf.csv"
TRIBUNALS_FILE = "tribunaux_idf.csv"
DEPARTEMENTS_FILE = "departements_idf.csv"
CITY_ARRONDISSEMENTS_FILE = "arrondissements_municipaux_idf.csv"
# The administrator's mapping of communes to their competent unit, where the sources have none.
EXTRA_UNITS_FILE = "unites_complementaires.csv"
# Every commune of France (insee, name, departement, population, arrondissement…), no routing.
NATIONAL_FILE = "communes_france.csv"
# A département loaded by `quietude reference import` (store.departement_import) keeps, in
# IMPORTED_DIR/<code>/, its préfecture (DEPARTEMENTS_FILE's columns) and the administrator's
# unit and tribunal files; its communes are those of NATIONAL_FILE.
IMPORTED_DIR = "departements"
IMPORTED_DEPARTEMENT_FILE = "departement.csv"
IMPORTED_UNITS_FILE = "unites.csv"  # insee, force_code, unite_competente, source
IMPORTED_TRIBUNALS_FILE = "tribunaux.csv"  # insee, tribunal_judiciaire, source
IMPORTED_UNIT_COLUMNS = ("insee", "force_code", "unite_competente", "source")
IMPORTED_TRIBUNAL_COLUMNS = ("insee", "tribunal_judiciaire", "source")

FORCE_KINDS = {"PN": OrgKind.POLICE, "GN": OrgKind.GENDARMERIE}
NO_PROXIMITY_COURT = "aucune"  # the CSV's marker for the TJ's own ressort
TRIBUNAL_JUDICIAIRE = "tribunal judiciaire"  # the `type` of a TJ's own row in TRIBUNALS_FILE

NO_UNIT = (
    "aucune unité de police ou de gendarmerie compétente dans les données de référence ; "
    f"un administrateur l'ajoute dans {EXTRA_UNITS_FILE} (colonnes insee, force_code, "
    "unite_competente, source) puis lance « quietude migrate »"
)
NO_TRIBUNAL = (
    "aucun tribunal judiciaire dans les données de référence ; un administrateur renseigne la "
    f"colonne tribunal_judiciaire de {COMMUNES_FILE} puis lance « quietude migrate »"
)


def imported_no_unit(code: str) -> str:
    """What a commune of an imported département without unit lacks, and how to add it."""
    columns = ", ".join(IMPORTED_UNIT_COLUMNS)
    return (
        "aucune unité de police ou de gendarmerie compétente dans les données de référence ; "
        f"un administrateur l'ajoute au fichier des unités (colonnes {columns}) puis relance "
        f"« quietude reference import {code} --units FICHIER »"
    )


def imported_no_tribunal(code: str) -> str:
    """What a commune of an imported département without tribunal lacks, and how to add it."""
    columns = ", ".join(IMPORTED_TRIBUNAL_COLUMNS)
    return (
        "aucun tribunal judiciaire dans les données de référence ; un administrateur l'ajoute au "
        f"fichier des tribunaux (colonnes {columns}) puis relance "
        f"« quietude reference import {code} --tribunals FICHIER »"
    )


_UNIT_PREFIX = re.compile(
    r"^(?:gendarmerie\s*-\s*)?"
    r"(?:brigade|commissariat(?:\s+d['’]agglom[ée]ration|\s+de\s+secteur|\s+de\s+police)?)\s+"
    r"(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’])",
    re.IGNORECASE,
)


def slugify(text: str) -> str:
    """Lower-case ASCII words of `text` joined by dashes."""
    decomposed = unicodedata.normalize("NFKD", text)
    # Accents go; other non-ASCII signs (such as the typographic apostrophe) separate words.
    ascii_text = "".join(
        char if char.isascii() else ("" if unicodedata.combining(char) else " ")
        for char in decomposed
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def forces_org_id(unit_label: str, force_code: str) -> str:
    """Organisation id of a police or gendarmerie unit, from its label in the source data."""
    place = _UNIT_PREFIX.sub("", unit_label.strip())
    return f"{FORCE_KINDS[force_code].value}-{slugify(place)}"


def tribunal_slug(seat: str) -> str:
    """The id part of a tribunal judiciaire: the first word of its seat ("evry" for
    "Évry-Courcouronnes")."""
    return slugify(seat).split("-")[0]


@dataclass
class OrgRow:
    """An organisation as the data describes it."""

    id: str
    kind: OrgKind
    name: str
    territory: str
    departement: str | None


@dataclass
class Territories:
    """What the reference data folder holds, ready to be written to the read model."""

    organisations: dict[str, OrgRow] = field(default_factory=dict)
    communes: dict[str, dict[str, Any]] = field(default_factory=dict)  # Commune values
    gaps: dict[str, dict[str, str]] = field(default_factory=dict)  # CommuneGap values

    @property
    def forces(self) -> int:
        """The number of police and gendarmerie units."""
        kinds = FORCE_KINDS.values()
        return sum(1 for org in self.organisations.values() if org.kind in kinds)

    def add(self, org: OrgRow) -> None:
        """Record `org`; two organisations of the data must not share an id."""
        if org.id in self.organisations:
            raise ValueError(f"two organisations share the id {org.id!r}")
        self.organisations[org.id] = org


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV file with a header; none when the file is absent."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_territories(data_dir: Path, leave_out: str | None = None) -> Territories:
    """Read and check the reference data of every département the folder holds: those of its
    own files, then those imported in IMPORTED_DIR (but `leave_out`, a département code)."""
    territories = Territories()
    concours = _departements(territories, data_dir)
    tribunals = _tribunals(territories, data_dir)
    units = _units(territories, data_dir)
    children: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_csv(data_dir / CITY_ARRONDISSEMENTS_FILE):
        children[row["commune_insee"]].append(row)
    for row in read_csv(data_dir / COMMUNES_FILE):
        departement = row["departement"]
        if departement not in concours:
            raise ValueError(f"commune {row['insee']}: département {departement!r} not described")
        parts = sorted(children.get(row["insee"], []), key=lambda child: child["insee"])
        if parts:
            first, last = parts[0]["insee"], parts[-1]["insee"]
            territories.gaps[row["insee"]] = _gap(
                row, f"indiquez l'arrondissement, code INSEE {first} à {last}"
            )
        for place in parts or [row]:
            _commune(territories, row, place, units, tribunals, concours[departement])
    folders = imported_folders(data_dir)
    national = national_communes(data_dir) if folders else {}
    for code, folder in folders.items():
        if code == leave_out:
            continue
        add_departement(
            territories,
            read_csv(folder / IMPORTED_DEPARTEMENT_FILE),
            national.get(code, []),
            read_csv(folder / IMPORTED_UNITS_FILE),
            read_csv(folder / IMPORTED_TRIBUNALS_FILE),
        )
    return territories


def imported_folders(data_dir: Path) -> dict[str, Path]:
    """The folder of each imported département, by code."""
    root = data_dir / IMPORTED_DIR
    if not root.is_dir():
        return {}
    return {
        folder.name: folder
        for folder in sorted(root.iterdir())
        if (folder / IMPORTED_DEPARTEMENT_FILE).is_file()
    }


def national_communes(data_dir: Path) -> dict[str, list[dict[str, str]]]:
    """The rows of NATIONAL_FILE by département code."""
    by_departement: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_csv(data_dir / NATIONAL_FILE):
        by_departement[row["departement"]].append(row)
    return by_departement


def add_departement(
    territories: Territories,
    departement_rows: list[dict[str, str]],
    communes: list[dict[str, str]],
    unit_rows: list[dict[str, str]],
    tribunal_rows: list[dict[str, str]],
) -> None:
    """Add an imported département: its préfecture (one row of DEPARTEMENTS_FILE's columns),
    the units and tribunals the administrator's rows name, and each of its `communes` (rows
    of NATIONAL_FILE), routable or a gap."""
    if len(departement_rows) != 1:
        raise ValueError(f"{IMPORTED_DEPARTEMENT_FILE}: one row expected")
    code = departement_rows[0]["departement"]
    concours = _departement_rows(territories, departement_rows)[code]
    units: dict[str, list[str]] = defaultdict(list)
    for row in unit_rows:
        _extra_unit(territories, row, units)
    seats = {row["insee"].strip(): row["tribunal_judiciaire"].strip() for row in tribunal_rows}
    tribunals = {}
    for seat in sorted(set(seats.values())):
        tribunals[seat] = _add_tribunal(
            territories, seat, court_name(seat), code, departement_rows[0]["nom"], shared=True
        )
    messages = (imported_no_unit(code), imported_no_tribunal(code))
    for commune in communes:
        row = {
            **commune,
            "postal_codes": "",
            "arrondissement_code": "",
            "tribunal_proximite": NO_PROXIMITY_COURT,
            "tribunal_judiciaire": seats.get(commune["insee"], ""),
        }
        _commune(territories, row, row, units, tribunals, concours, messages)


def court_name(seat: str) -> str:
    """« Tribunal judiciaire de Bordeaux », « … d'Agen »."""
    of = "d'" if slugify(seat)[:1] in tuple("aeiouy") else "de "
    return f"Tribunal judiciaire {of}{seat}"


def _departements(territories: Territories, data_dir: Path) -> dict[str, str]:
    """Add each département's préfecture; the organisation granting the concours de la force
    publique in each département (data, with its source and status)."""
    return _departement_rows(territories, read_csv(data_dir / DEPARTEMENTS_FILE))


def _departement_rows(territories: Territories, rows: list[dict[str, str]]) -> dict[str, str]:
    """Add the préfecture of each row of DEPARTEMENTS_FILE's columns; the concours authority of
    each département."""
    concours = {}
    for row in rows:
        code = row["departement"]
        territories.add(
            OrgRow(
                row["prefecture_org_id"], OrgKind.PREFECTURE, row["prefecture"], row["nom"], code
            )
        )
        concours[code] = row["concours_org_id"]
    for code, org_id in concours.items():
        if org_id not in territories.organisations:
            raise ValueError(f"département {code}: concours authority {org_id!r} not described")
    return concours


def _tribunals(territories: Territories, data_dir: Path) -> dict[str, tuple[str, str]]:
    """Add a parquet and a juge per tribunal judiciaire; their ids by the seat's name."""
    names = {
        org.departement: org.territory
        for org in territories.organisations.values()
        if org.kind == OrgKind.PREFECTURE
    }
    by_seat = {}
    for row in read_csv(data_dir / TRIBUNALS_FILE):
        if row["type"] != TRIBUNAL_JUDICIAIRE:
            continue
        code = row["departement"]
        by_seat[row["tribunal_judiciaire"]] = _add_tribunal(
            territories, row["siege"], row["juridiction"], code, names.get(code, code)
        )
    return by_seat


def _add_tribunal(
    territories: Territories,
    seat: str,
    court: str,
    code: str,
    territory: str,
    shared: bool = False,
) -> tuple[str, str]:
    """Add the parquet and juge of the tribunal judiciaire `court` sitting at `seat`: their ids
    (parquet-<slug>, tj-<slug>). `shared`: the same court may already be there (a tribunal
    whose ressort spans two départements); another court with the same id still fails."""
    slug = tribunal_slug(seat)
    parquet_id, juge_id = f"parquet-{slug}", f"tj-{slug}"
    parquet = f"Parquet du {court[0].lower()}{court[1:]}"
    known = territories.organisations.get(parquet_id)
    if shared and known is not None and known.name == parquet:
        return parquet_id, juge_id
    territories.add(OrgRow(parquet_id, OrgKind.PARQUET, parquet, territory, code))
    juge = f"{court} — juge des contentieux de la protection"
    territories.add(OrgRow(juge_id, OrgKind.JUGE, juge, territory, code))
    return parquet_id, juge_id


def _units(territories: Territories, data_dir: Path) -> dict[str, list[str]]:
    """Add the police and gendarmerie units; the units of each commune (INSEE code)."""
    units: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(data_dir / UNITS_FILE):
        org_id = forces_org_id(row["unite_competente"], row["force_code"])
        territory = ", ".join(name.strip() for name in row["communes"].split(";"))
        kind = FORCE_KINDS[row["force_code"]]
        territories.add(
            OrgRow(org_id, kind, row["unite_competente"], territory, row["departement"])
        )
        for insee in row["communes_insee"].split(";"):
            units[insee.strip()].append(org_id)
    for row in read_csv(data_dir / EXTRA_UNITS_FILE):
        _extra_unit(territories, row, units)
    return units


def _extra_unit(territories: Territories, row: dict[str, str], units: dict[str, list[str]]) -> None:
    """An administrator's row: the commune `insee` is in the ressort of this unit (created
    when the sources do not list it)."""
    insee, code = row["insee"].strip(), row["force_code"].strip()
    if code not in FORCE_KINDS:
        raise ValueError(f"{EXTRA_UNITS_FILE}, commune {insee}: force_code {code!r} not PN or GN")
    org_id = forces_org_id(row["unite_competente"], code)
    if org_id not in territories.organisations:
        territories.organisations[org_id] = OrgRow(
            org_id, FORCE_KINDS[code], row["unite_competente"].strip(), "", departement_of(insee)
        )
    units[insee] = [org_id]


def _gap(row: dict[str, str], missing: str) -> dict[str, str]:
    return {
        "insee": row["insee"],
        "name": row["name"],
        "departement": row["departement"],
        "missing": missing,
    }


def _commune(
    territories: Territories,
    row: dict[str, str],
    place: dict[str, str],
    units: dict[str, list[str]],
    tribunals: dict[str, tuple[str, str]],
    prefet: str,
    messages: tuple[str, str] = (NO_UNIT, NO_TRIBUNAL),
) -> None:
    """Record the commune (or arrondissement municipal) `place` of the commune `row`, routable
    when it has one unit and one tribunal, else as a gap saying what is missing (`messages`:
    no unit, no tribunal)."""
    insee, name = place["insee"], place["name"]
    place_units = units.get(insee, [])
    if len(place_units) > 1:
        raise ValueError(f"commune {insee} is in several units: {place_units}")
    seat = row["tribunal_judiciaire"]
    missing = [
        message
        for message, lacking in zip(messages, (not place_units, seat not in tribunals), strict=True)
        if lacking
    ]
    if missing:
        gap = {**row, "insee": insee, "name": name}
        territories.gaps[insee] = _gap(gap, " ; ".join(missing))
        return
    unit = territories.organisations[place_units[0]]
    if not unit.territory:  # a unit only the administrator's mapping names
        unit.territory = name
    elif name not in unit.territory.split(", "):
        unit.territory = f"{unit.territory}, {name}"
    parquet, juge = tribunals[seat]
    proximity = row["tribunal_proximite"]
    territories.communes[insee] = {
        "insee": insee,
        "name": name,
        "sort_key": collation_key(name),
        "postal_codes": place["postal_codes"],
        "population": int(place["population"]),
        "arrondissement_code": row["arrondissement_code"],
        "arrondissement": row["arrondissement"],
        "force_kind": unit.kind.value,
        "forces_org_id": unit.id,
        "tribunal_proximite": None if proximity.startswith(NO_PROXIMITY_COURT) else proximity,
        "departement": row["departement"],
        "tribunal_judiciaire": seat,
        "parquet_org_id": parquet,
        "juge_org_id": juge,
        "prefet_org_id": prefet,
    }
