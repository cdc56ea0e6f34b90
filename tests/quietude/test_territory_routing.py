"""A dossier is routed by its commune, in every département the reference data holds: the
commune's unit, the parquet and juge of its tribunal judiciaire, its département's préfecture;
a commune no dossier can be routed for is refused with what is missing and how to add it. The
expected organisations are read from the CSV files of data/ile-de-france."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from domain.actors import OrgKind, Role
from domain.contracts import Policy
from domain.procedures import definition
from quietude.starts import StartRefused, prepare
from quietude.tokens import Claims
from store.reference import load_reference_data
from store.tables import Commune, CommuneGap, Organisation, Residence
from store.territory_data import forces_org_id, read_territories, tribunal_slug
from tests.builders import BAILLEUR, plainte_body, resiliation_body, signalement_body
from tests.fixtures import DATA_DIR, migrated

CALLER = Claims(sub="juriste@bailleur", org=BAILLEUR, role=Role.JURISTE)
TODAY = date(2029, 12, 3)  # after the plainte builder's facts
# The communes S1 gives no unit (data/ile-de-france/SOURCES.md, « Gap »).
NO_UNIT_IN_SOURCES = {
    "Coignières",
    "Élancourt",
    "Guyancourt",
    "Maurepas",
    "Le Mesnil-Saint-Denis",
    "Montigny-le-Bretonneux",
    "Trappes",
    "La Verrière",
    "Voisins-le-Bretonneux",
}


def _rows(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


COMMUNES = {row["insee"]: row for row in _rows("communes_idf.csv")}
CITY_PARTS = {row["insee"]: row for row in _rows("arrondissements_municipaux_idf.csv")}
DEPARTEMENTS = {row["departement"]: row for row in _rows("departements_idf.csv")}
UNIT_OF = {
    insee: row
    for row in _rows("unites_police_gendarmerie_idf.csv")
    for insee in row["communes_insee"].split(";")
}
TRIBUNALS = {
    row["tribunal_judiciaire"]: row
    for row in _rows("tribunaux_idf.csv")
    if row["type"] == "tribunal judiciaire"
}


def _chef_lieu(departement: str) -> str:
    """The commune of the département's préfecture, or its first arrondissement municipal."""
    chef_lieu = DEPARTEMENTS[departement]["chef_lieu_insee"]
    parts = sorted(code for code, row in CITY_PARTS.items() if row["commune_insee"] == chef_lieu)
    return parts[0] if parts else chef_lieu


def _expected(insee: str) -> dict[str, str]:
    """The organisations the CSV rows name for the commune `insee`."""
    row = COMMUNES[CITY_PARTS[insee]["commune_insee"] if insee in CITY_PARTS else insee]
    unit = UNIT_OF[insee]
    seat = tribunal_slug(TRIBUNALS[row["tribunal_judiciaire"]]["siege"])
    return {
        "forces": forces_org_id(unit["unite_competente"], unit["force_code"]),
        "parquet": f"parquet-{seat}",
        "juge": f"tj-{seat}",
        "prefet": DEPARTEMENTS[row["departement"]]["concours_org_id"],
    }


def _placed(body: dict[str, Any], insee: str) -> dict[str, Any]:
    place = body["logement"]["residence"] if body["kind"] == "resiliation" else body["residence"]
    place["commune_insee"] = insee
    return body


def _start(engine: Engine, body: dict[str, Any]) -> dict[str, str]:
    facts = definition(str(body["kind"])).parse(body)
    with Session(engine) as session:
        return prepare(session, CALLER, facts, Policy(), TODAY).orgs


def _refusal(engine: Engine, body: dict[str, Any]) -> StartRefused:
    facts = definition(str(body["kind"])).parse(body)
    with Session(engine) as session, pytest.raises(StartRefused) as refused:
        prepare(session, CALLER, facts, Policy(), TODAY)
    return refused.value


@pytest.fixture
def region(db_url: str) -> Iterator[Engine]:
    """A read model holding the reference data of every département, SQLite then PostgreSQL."""
    with migrated(db_url) as engine:
        yield engine


def test_each_kind_is_routed_in_every_departement_as_the_data_names(region: Engine) -> None:
    assert sorted(DEPARTEMENTS) == ["75", "77", "78", "91", "92", "93", "94", "95"]
    for departement in DEPARTEMENTS:
        insee = _chef_lieu(departement)
        expected = _expected(insee)
        for body in (signalement_body(), plainte_body(), resiliation_body()):
            orgs = _start(region, _placed(body, insee))
            routed = {actor: orgs.get(actor) for actor in expected}
            assert routed == expected, (departement, insee, body["kind"])
        with Session(region) as session:
            unit = session.get(Organisation, expected["forces"])
            parquet = session.get(Organisation, expected["parquet"])
            prefet = session.get(Organisation, expected["prefet"])
            assert unit is not None and unit.name == UNIT_OF[insee]["unite_competente"]
            assert orgs[unit.kind] == unit.id
            court = TRIBUNALS[COMMUNES[_commune_row(insee)]["tribunal_judiciaire"]]
            assert parquet is not None and court["juridiction"][1:] in parquet.name
            assert prefet is not None and prefet.kind == OrgKind.PREFECTURE
            assert prefet.departement == departement


def _commune_row(insee: str) -> str:
    return CITY_PARTS[insee]["commune_insee"] if insee in CITY_PARTS else insee


def test_every_commune_has_one_unit_and_one_tribunal_but_the_listed_gaps(region: Engine) -> None:
    with Session(region) as session:
        communes = {c.insee: c for c in session.exec(select(Commune)).all()}
        gaps = {g.insee: g for g in session.exec(select(CommuneGap)).all()}
        organisations = {o.id: o for o in session.exec(select(Organisation)).all()}
    for insee, row in COMMUNES.items():
        parts = [code for code, part in CITY_PARTS.items() if part["commune_insee"] == insee]
        for code in parts or [insee]:
            if code not in communes:
                continue
            commune = communes[code]
            assert organisations[commune.forces_org_id].kind == commune.force_kind
            assert organisations[commune.parquet_org_id].kind == OrgKind.PARQUET
            assert organisations[commune.juge_org_id].kind == OrgKind.JUGE
            assert organisations[commune.prefet_org_id].departement == row["departement"]
            assert commune.forces_org_id == _expected(code)["forces"]
    paris_parts = {code for code in communes if code in CITY_PARTS}
    assert len(paris_parts) == 20
    assert len({communes[code].forces_org_id for code in paris_parts}) == 16
    unrouted = {COMMUNES[insee]["name"] for insee in COMMUNES if insee not in communes}
    assert unrouted == {*NO_UNIT_IN_SOURCES, "Paris"}
    assert set(gaps) == {insee for insee in COMMUNES if insee not in communes}


def test_paris_asks_for_its_arrondissement(region: Engine) -> None:
    refusal = _refusal(region, _placed(signalement_body(), "75056"))
    assert refusal.field == "residence.commune_insee"
    assert refusal.message == "Paris : indiquez l'arrondissement, code INSEE 75101 à 75120."


def test_a_commune_without_unit_is_refused_with_how_to_add_it(region: Engine) -> None:
    refusal = _refusal(region, _placed(resiliation_body(), "78621"))
    assert refusal.field == "logement.residence.commune_insee"
    assert refusal.message.startswith("Trappes : aucune unité de police ou de gendarmerie")
    assert "unites_complementaires.csv" in refusal.message


def test_a_commune_outside_the_departements_served_names_them(region: Engine) -> None:
    refusal = _refusal(region, _placed(plainte_body(), "33063"))
    assert refusal.message.startswith("Commune inconnue : 33063 — le département 33")
    assert "75, 77, 78, 91, 92, 93, 94, 95" in refusal.message
    unknown = _refusal(region, _placed(plainte_body(), "91999")).message
    served = "(code INSEE d'une commune des départements 75, 77, 78, 91, 92, 93, 94, 95 attendu)"
    assert unknown == f"Commune inconnue : 91999 {served}."


def test_an_administrators_mapping_row_routes_a_commune_of_the_gap(
    region: Engine, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir, ignore=shutil.ignore_patterns("raw", "communes_france*"))
    units = _rows("unites_police_gendarmerie_idf.csv")
    unit = next(row for row in units if row["departement"] == "78")
    with (data_dir / "unites_complementaires.csv").open("a", encoding="utf-8") as mapping:
        mapping.write(f"78621,{unit['force_code']},{unit['unite_competente']},test\n")
    with Session(region) as session:
        load_reference_data(session, data_dir)
        session.commit()
    orgs = _start(region, _placed(signalement_body(), "78621"))
    assert orgs["forces"] == forces_org_id(unit["unite_competente"], unit["force_code"])
    assert orgs["parquet"] == "parquet-versailles"
    with Session(region) as session:
        assert session.get(CommuneGap, "78621") is None
        assert session.get(CommuneGap, "78208") is not None


def test_the_essonne_keeps_its_organisation_ids(region: Engine) -> None:
    essonne = _rows("communes_91.csv", DATA_DIR.parent / "essonne")
    with Session(region) as session:
        for row in essonne:
            commune = session.get(Commune, row["insee"])
            assert commune is not None
            expected = forces_org_id(row["unite_competente"], row["force_code"])
            assert commune.forces_org_id == expected
            routed = (commune.parquet_org_id, commune.juge_org_id, commune.prefet_org_id)
            assert routed == ("parquet-evry", "tj-evry", "prefecture-91")


def test_two_tribunals_sharing_an_id_fail_loudly(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir, ignore=shutil.ignore_patterns("raw", "communes_france*"))
    rows = _rows("tribunaux_idf.csv")
    twin = next(row for row in rows if row["type"] == "tribunal judiciaire")
    rows.append({**twin, "tribunal_judiciaire": "Ailleurs", "siege": f"{twin['siege']}-Ailleurs"})
    with (data_dir / "tribunaux_idf.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ValueError, match="two organisations share the id"):
        read_territories(data_dir)


def test_a_landlord_across_departements_starts_in_each_of_its_residences(region: Engine) -> None:
    landlord = "demo-foyers-idf"
    caller = Claims(sub="juriste@foyers", org=landlord, role=Role.JURISTE)
    with Session(region) as session:
        residences = session.exec(select(Residence).where(Residence.bailleur_id == landlord)).all()
        places = {r.commune_insee: r.nom for r in residences}
        communes = session.exec(select(Commune).where(col(Commune.insee).in_(places))).all()
        departements = {commune.departement for commune in communes}
        assert departements == {"91", "92", "93"}
        for insee, nom in places.items():
            body = _placed(resiliation_body(), insee)
            body["logement"]["residence"]["nom"] = nom
            facts = definition("resiliation").parse(body)
            orgs = prepare(session, caller, facts, Policy(), TODAY).orgs
            assert orgs["bailleur"] == landlord
            assert {actor: orgs[actor] for actor in _expected(insee)} == _expected(insee)
    bobigny = _expected("93008")
    assert bobigny == {
        "forces": "police-bobigny",
        "parquet": "parquet-bobigny",
        "juge": "tj-bobigny",
        "prefet": "prefecture-93",
    }
