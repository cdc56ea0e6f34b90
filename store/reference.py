"""Reference data of the Essonne: communes, organisations of the convention, demo bailleurs."""

import csv
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from domain.actors import OrgKind
from domain.labels import collation_key
from store.tables import Commune, Organisation, Residence

logger = logging.getLogger(__name__)

ESSONNE = "Essonne"
FORCE_KINDS = {"PN": OrgKind.POLICE, "GN": OrgKind.GENDARMERIE}
NO_PROXIMITY_COURT = "aucune"  # the CSV's marker for the TJ's own ressort

_UNIT_PREFIX = re.compile(
    r"^(?:gendarmerie\s*-\s*)?"
    r"(?:brigade|commissariat(?:\s+d['’]agglom[ée]ration|\s+de\s+secteur|\s+de\s+police)?)\s+"
    r"(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’])",
    re.IGNORECASE,
)

INSTITUTIONS: tuple[tuple[str, OrgKind, str], ...] = (
    ("parquet-evry", OrgKind.PARQUET, "Parquet du tribunal judiciaire d'Évry-Courcouronnes"),
    ("prefecture-91", OrgKind.PREFECTURE, "Préfecture de l'Essonne"),
    (
        "tj-evry",
        OrgKind.JUGE,
        "Tribunal judiciaire d'Évry-Courcouronnes — juge des contentieux de la protection",
    ),
)

DEMO_COMMISSAIRE = ("demo-commissaire-justice", "Démo — Étude de commissaires de justice (fictive)")

# Fictional bailleurs and residences, placed in real communes so that routing works.
DEMO_BAILLEURS: dict[str, tuple[str, tuple[tuple[str, str, str, str], ...]]] = {
    "demo-habitat-essonne": (
        "Démo — Habitat Essonne (bailleur fictif)",
        (
            ("tilleuls", "Résidence des Tilleuls", "12 rue des Lilas", "91228"),
            ("peupliers", "Résidence des Peupliers", "3 allée des Peupliers", "91174"),
            ("cedres", "Résidence des Cèdres", "7 rue des Cèdres", "91340"),
        ),
    ),
    "demo-logis-sud": (
        "Démo — Logis du Sud Essonne (bailleur fictif)",
        (
            ("moulin", "Résidence du Moulin", "1 chemin du Moulin", "91001"),
            ("remparts", "Résidence des Remparts", "8 rue des Remparts", "91223"),
        ),
    ),
}

Row = TypeVar("Row", bound=SQLModel)


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


def org_emails(org_id: str) -> dict[str, str]:
    """Placeholder mailboxes of an organisation (`.invalid` is never delivered)."""
    return {
        "email": f"{org_id}@quietude.invalid",
        "managers_email": f"responsables.{org_id}@quietude.invalid",
    }


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(session: Session, model: type[Row], key: Any, values: dict[str, Any]) -> Row:
    """Insert a row or bring it to `values`, touching only attributes that differ."""
    row = session.get(model, key)
    if row is None:
        row = model(**values)
        session.add(row)
        return row
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    return row


def _upsert_organisation(
    session: Session, org_id: str, kind: OrgKind, name: str, territory: str, demo: bool = False
) -> None:
    values = {"id": org_id, "kind": kind.value, "name": name, "territory": territory, "demo": demo}
    # Mailboxes are set once: a deployment replaces the placeholders and reloads must keep them.
    if session.get(Organisation, org_id) is None:
        values |= org_emails(org_id)
    _upsert(session, Organisation, org_id, values)


def _load_forces(session: Session, data_dir: Path) -> int:
    units = _read_csv(data_dir / "unites_police_gendarmerie_91.csv")
    seen: set[str] = set()
    for unit in units:
        org_id = forces_org_id(unit["unite_competente"], unit["force_code"])
        if org_id in seen:
            raise ValueError(f"two units share the organisation id {org_id!r}")
        seen.add(org_id)
        territory = ", ".join(name.strip() for name in unit["communes"].split(";"))
        kind = FORCE_KINDS[unit["force_code"]]
        _upsert_organisation(session, org_id, kind, unit["unite_competente"], territory)
    return len(units)


def _load_communes(session: Session, data_dir: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    for row in _read_csv(data_dir / "communes_91.csv"):
        proximity = row["tribunal_proximite"]
        values = {
            "insee": row["insee"],
            "name": row["name"],
            "sort_key": collation_key(row["name"]),
            "postal_codes": row["postal_codes"],
            "population": int(row["population"]),
            "arrondissement_code": row["arrondissement_code"],
            "arrondissement": row["arrondissement"],
            "force_kind": FORCE_KINDS[row["force_code"]].value,
            "forces_org_id": forces_org_id(row["unite_competente"], row["force_code"]),
            "tribunal_proximite": None if proximity.startswith(NO_PROXIMITY_COURT) else proximity,
        }
        _upsert(session, Commune, row["insee"], values)
        names[row["insee"]] = row["name"]
    return names


def _load_demo(session: Session, commune_names: dict[str, str]) -> int:
    residences = 0
    for bailleur_id, (name, bailleur_residences) in DEMO_BAILLEURS.items():
        territory = ", ".join(dict.fromkeys(commune_names[r[3]] for r in bailleur_residences))
        _upsert_organisation(session, bailleur_id, OrgKind.BAILLEUR, name, territory, demo=True)
        for suffix, nom, adresse, insee in bailleur_residences:
            residence_id = f"{bailleur_id}-{suffix}"
            values = {
                "id": residence_id,
                "bailleur_id": bailleur_id,
                "nom": nom,
                "adresse": adresse,
                "commune_insee": insee,
            }
            _upsert(session, Residence, residence_id, values)
            residences += 1
    commissaire_id, commissaire_name = DEMO_COMMISSAIRE
    _upsert_organisation(
        session, commissaire_id, OrgKind.COMMISSAIRE_JUSTICE, commissaire_name, ESSONNE, demo=True
    )
    return residences


def load_reference_data(session: Session, data_dir: Path) -> dict[str, int]:
    """Create or update communes, organisations and demo data; safe to run again."""
    forces = _load_forces(session, data_dir)
    commune_names = _load_communes(session, data_dir)
    for org_id, kind, name in INSTITUTIONS:
        _upsert_organisation(session, org_id, kind, name, ESSONNE)
    residences = _load_demo(session, commune_names)
    session.flush()
    organisations = forces + len(INSTITUTIONS) + len(DEMO_BAILLEURS) + 1
    counts = {
        "communes": len(commune_names),
        "forces": forces,
        "organisations": organisations,
        "residences": residences,
    }
    logger.info("reference data loaded from %s: %s", data_dir, counts)
    return counts


def list_organisations(session: Session) -> list[Organisation]:
    """All organisations, by kind then id."""
    statement = select(Organisation).order_by(col(Organisation.kind), col(Organisation.id))
    return list(session.exec(statement).all())


def get_commune(session: Session, insee: str) -> Commune | None:
    """The commune with this INSEE code, if any."""
    return session.get(Commune, insee)


def forces_for_commune(session: Session, insee: str) -> Organisation | None:
    """The police or gendarmerie unit competent for the commune, if the commune is known."""
    commune = session.get(Commune, insee)
    if commune is None:
        return None
    return session.get(Organisation, commune.forces_org_id)
