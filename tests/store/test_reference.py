"""Loading the Essonne reference data and the demo organisations."""

from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from domain.actors import OrgKind
from domain.labels import collation_key
from store.db import session_scope
from store.reference import (
    forces_for_commune,
    forces_org_id,
    get_commune,
    list_organisations,
    load_reference_data,
    slugify,
)
from store.tables import Commune, Organisation, Residence


def _count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _load(engine: Engine, data_dir: Path) -> dict[str, int]:
    with session_scope(engine) as session:
        return load_reference_data(session, data_dir)


def test_loads_communes_and_forces_units(engine: Engine, data_dir: Path) -> None:
    counts = _load(engine, data_dir)
    assert counts["communes"] == 1276
    assert counts["forces"] == 187
    with session_scope(engine) as session:
        assert _count(session, Commune) == 1276
        organisations = list_organisations(session)
        forces = [o for o in organisations if o.kind in (OrgKind.POLICE, OrgKind.GENDARMERIE)]
        assert len(forces) == 187
        assert len(organisations) == counts["organisations"]
        assert _count(session, Residence) == counts["residences"]


def test_every_commune_points_to_an_existing_forces_unit(engine: Engine, data_dir: Path) -> None:
    _load(engine, data_dir)
    with session_scope(engine) as session:
        for commune in session.exec(select(Commune)).all():
            unit = forces_for_commune(session, commune.insee)
            assert unit is not None, commune.insee
            assert unit.kind == commune.force_kind
            assert commune.name in unit.territory.split(", ")


def test_evry_is_policed_and_abbeville_has_gendarmes(engine: Engine, data_dir: Path) -> None:
    _load(engine, data_dir)
    with session_scope(engine) as session:
        evry = forces_for_commune(session, "91228")
        abbeville = forces_for_commune(session, "91001")
        assert evry is not None and abbeville is not None
        assert (evry.id, evry.kind) == ("police-evry-corbeil", OrgKind.POLICE)
        assert (abbeville.id, abbeville.kind) == ("gendarmerie-merevillois", OrgKind.GENDARMERIE)
        assert evry.email == "police-evry-corbeil@quietude.invalid"
        assert evry.managers_email == "responsables.police-evry-corbeil@quietude.invalid"
        commune = get_commune(session, "91228")
        assert commune is not None and commune.name == "Évry-Courcouronnes"
        assert commune.tribunal_proximite is None
        assert commune.postal_codes == "91000;91080"
        other = get_commune(session, "91001")
        assert other is not None and other.tribunal_proximite == "Étampes"
        assert get_commune(session, "75056") is None
        assert forces_for_commune(session, "75056") is None


def test_communes_are_written_with_their_collation_key(engine: Engine, data_dir: Path) -> None:
    _load(engine, data_dir)
    with session_scope(engine) as session:
        communes = session.exec(select(Commune)).all()
        assert all(commune.sort_key == collation_key(commune.name) for commune in communes)
        evry = get_commune(session, "91228")
        assert evry is not None and evry.sort_key == "evry-courcouronnes"


def test_institutions_and_demo_data_are_present(engine: Engine, data_dir: Path) -> None:
    _load(engine, data_dir)
    with session_scope(engine) as session:
        kinds = {o.id: (o.kind, o.demo) for o in list_organisations(session)}
        assert kinds["parquet-evry"] == (OrgKind.PARQUET, False)
        assert kinds["prefecture-91"] == (OrgKind.PREFECTURE, False)
        assert kinds["tj-evry"] == (OrgKind.JUGE, False)
        assert kinds["demo-habitat-essonne"] == (OrgKind.BAILLEUR, True)
        assert kinds["demo-logis-sud"] == (OrgKind.BAILLEUR, True)
        assert kinds["demo-commissaire-justice"] == (OrgKind.COMMISSAIRE_JUSTICE, True)
        demo_names = [o.name for o in list_organisations(session) if o.demo]
        assert all(name.startswith("Démo — ") for name in demo_names)
        residences = session.exec(select(Residence)).all()
        assert {r.commune_insee for r in residences} >= {"91228", "91001", "93008", "92050"}
        assert session.get(Residence, "demo-habitat-essonne-tilleuls") is not None
        for residence in residences:
            assert residence.id.startswith(f"{residence.bailleur_id}-")
            assert get_commune(session, residence.commune_insee) is not None


def test_organisations_are_listed_by_kind_then_id(engine: Engine, data_dir: Path) -> None:
    _load(engine, data_dir)
    with session_scope(engine) as session:
        keys = [(o.kind, o.id) for o in list_organisations(session)]
    assert keys == sorted(keys)


def test_loading_twice_changes_nothing(engine: Engine, data_dir: Path) -> None:
    first = _load(engine, data_dir)
    with session_scope(engine) as session:
        second = load_reference_data(session, data_dir)
        assert not session.new and not session.dirty
        assert _count(session, Commune) == 1276
        assert _count(session, Organisation) == first["organisations"]
        assert _count(session, Residence) == first["residences"]
    assert second == first


def test_reloading_keeps_mailboxes_set_by_the_deployment(engine: Engine, data_dir: Path) -> None:
    _load(engine, data_dir)
    with session_scope(engine) as session:
        parquet = session.get(Organisation, "parquet-evry")
        assert parquet is not None
        parquet.email = "permanence@parquet.example"
        parquet.name = "ancien nom"
    _load(engine, data_dir)
    with session_scope(engine) as session:
        parquet = session.get(Organisation, "parquet-evry")
        assert parquet is not None
        assert parquet.email == "permanence@parquet.example"
        assert parquet.name == "Parquet du tribunal judiciaire d'Évry-Courcouronnes"


def test_unit_ids_are_readable_slugs() -> None:
    assert forces_org_id("Commissariat d’agglomération d'Evry-Corbeil", "PN") == (
        "police-evry-corbeil"
    )
    assert forces_org_id("Gendarmerie - Brigade du Mérévillois", "GN") == (
        "gendarmerie-merevillois"
    )
    assert forces_org_id("Commissariat d’agglomération du Val d’Yerres-Val de Seine", "PN") == (
        "police-val-d-yerres-val-de-seine"
    )
    assert forces_org_id("Gendarmerie - Brigade d'Égly", "GN") == "gendarmerie-egly"
    assert slugify("Saint-Germain-lès-Corbeil") == "saint-germain-les-corbeil"
