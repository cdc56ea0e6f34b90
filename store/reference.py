"""Reference data: the communes and organisations of every département the data folder holds
(store.territory_data), the demo bailleurs."""

import logging
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, delete, select

from domain.actors import OrgKind
from store.tables import Commune, CommuneGap, Organisation, Residence
from store.territory_data import OrgRow, read_territories
from store.territory_data import forces_org_id as forces_org_id
from store.territory_data import slugify as slugify

logger = logging.getLogger(__name__)

ALL_TERRITORIES = "tous territoires"  # the territory of an organisation serving every one

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
    # A landlord across départements: Essonne, Seine-Saint-Denis, Hauts-de-Seine.
    "demo-foyers-idf": (
        "Démo — Foyers d'Île-de-France (bailleur fictif)",
        (
            ("acacias", "Résidence des Acacias", "5 rue des Acacias", "91228"),
            ("marronniers", "Résidence des Marronniers", "14 avenue des Marronniers", "93008"),
            ("basilique", "Résidence de la Basilique", "2 rue de la Basilique", "93066"),
            ("seine", "Résidence des Bords de Seine", "21 quai de Seine", "92050"),
        ),
    ),
}

Row = TypeVar("Row", bound=SQLModel)


def org_emails(org_id: str) -> dict[str, str]:
    """Placeholder mailboxes of an organisation (`.invalid` is never delivered)."""
    return {
        "email": f"{org_id}@quietude.invalid",
        "managers_email": f"responsables.{org_id}@quietude.invalid",
    }


def _upsert(
    session: Session,
    model: type[Row],
    key: Any,
    values: dict[str, Any],
    known: dict[Any, Row] | None = None,
) -> Row:
    """Insert a row or bring it to `values`, touching only attributes that differ; `known`: the
    rows of the table already read, by key (else the row is read alone)."""
    row = known.get(key) if known is not None else session.get(model, key)
    if row is None:
        row = model(**values)
        session.add(row)
        return row
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    return row


def _upsert_organisation(
    session: Session,
    org: OrgRow,
    demo: bool = False,
    known: dict[str, Organisation] | None = None,
) -> None:
    values = {
        "id": org.id,
        "kind": org.kind.value,
        "name": org.name,
        "territory": org.territory,
        "demo": demo,
        "departement": org.departement,
    }
    # Mailboxes are set once: a deployment replaces the placeholders and reloads must keep them.
    found = known.get(org.id) if known is not None else session.get(Organisation, org.id)
    if found is None:
        values |= org_emails(org.id)
    _upsert(session, Organisation, org.id, values, known)


def _load_demo(session: Session, commune_names: dict[str, str]) -> int:
    residences = 0
    for bailleur_id, (name, bailleur_residences) in DEMO_BAILLEURS.items():
        territory = ", ".join(dict.fromkeys(commune_names[r[3]] for r in bailleur_residences))
        bailleur = OrgRow(bailleur_id, OrgKind.BAILLEUR, name, territory, None)
        _upsert_organisation(session, bailleur, demo=True)
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
    commissaire = OrgRow(
        commissaire_id, OrgKind.COMMISSAIRE_JUSTICE, commissaire_name, ALL_TERRITORIES, None
    )
    _upsert_organisation(session, commissaire, demo=True)
    return residences


def load_reference_data(session: Session, data_dir: Path) -> dict[str, int]:
    """Create or update communes, organisations, gaps and demo data; safe to run again."""
    territories = read_territories(data_dir)
    # Read every row once, not one by one for each upsert.
    organisations = {row.id: row for row in session.exec(select(Organisation)).all()}
    communes = {row.insee: row for row in session.exec(select(Commune)).all()}
    gaps = {row.insee: row for row in session.exec(select(CommuneGap)).all()}
    with session.no_autoflush:
        for org in territories.organisations.values():
            _upsert_organisation(session, org, known=organisations)
        for insee, values in territories.communes.items():
            _upsert(session, Commune, insee, values, communes)
        for insee, values in territories.gaps.items():
            _upsert(session, CommuneGap, insee, values, gaps)
    fixed = set(territories.communes).intersection(gaps)
    if fixed:  # routable now: an administrator's mapping filled the gap
        session.exec(delete(CommuneGap).where(col(CommuneGap.insee).in_(fixed)))
    names = {insee: values["name"] for insee, values in territories.communes.items()}
    residences = _load_demo(session, names)
    session.flush()
    counts = {
        "communes": len(territories.communes),
        "forces": territories.forces,
        "organisations": len(territories.organisations) + len(DEMO_BAILLEURS) + 1,
        "residences": residences,
        "gaps": len(territories.gaps),
    }
    logger.info("reference data loaded from %s: %s", data_dir, counts)
    return counts


def served_departements(session: Session) -> list[str]:
    """The codes of the départements whose communes are loaded, in order."""
    statement = select(col(Commune.departement)).distinct().order_by(col(Commune.departement))
    return [code for code in session.exec(statement).all() if code]


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
