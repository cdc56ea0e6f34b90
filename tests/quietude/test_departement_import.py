"""`quietude reference import`: a département outside the data folder's own files is loaded
from the national file and the administrator's unit and tribunal files (tests/quietude/gironde:
four communes of Gironde, Talence left out of both files); its communes route like the others,
the one left out is refused with what is missing, and the import survives `quietude migrate`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, delete, select

from domain.actors import Role
from domain.contracts import Policy
from domain.procedures import definition
from quietude.cli import build_parser
from quietude.cli_error import CliError
from quietude.reference_cli import run_reference_import
from quietude.settings import Settings
from quietude.setup_cli import run_migrate
from quietude.starts import StartRefused, prepare
from quietude.tokens import Claims
from store.tables import Commune, CommuneGap, Organisation
from tests.builders import BAILLEUR, signalement_body
from tests.fixtures import DATA_DIR, migrated, settings_for

GIRONDE = Path(__file__).parent / "gironde"
CALLER = Claims(sub="juriste@bailleur", org=BAILLEUR, role=Role.JURISTE)
TODAY = date(2029, 12, 3)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder: the Île-de-France files, and a national file of four Gironde communes."""
    folder = tmp_path / "data"
    folder.mkdir()
    for source in DATA_DIR.glob("*.csv"):
        if source.name != "communes_france.csv":
            (folder / source.name).symlink_to(source)
    (folder / "communes_france.csv").symlink_to(GIRONDE / "communes_france.csv")
    return folder


@pytest.fixture
def setup(db_url: str, data_dir: Path, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    """Settings on that folder and a migrated read model, SQLite then PostgreSQL."""
    settings = settings_for(tmp_path / "var", data_dir=data_dir, database_url=db_url)
    with migrated(db_url) as engine:
        yield settings, engine


def _import(settings: Settings, *options: str) -> None:
    args = build_parser().parse_args(["reference", "import", "33", *options])
    assert run_reference_import(settings, args) == 0


FILES = (
    f"--units={GIRONDE / 'unites.csv'}",
    f"--tribunals={GIRONDE / 'tribunaux.csv'}",
    "--nom=Gironde",
    "--prefecture=Préfecture de la Gironde",
)


def _start(engine: Engine, insee: str) -> dict[str, str]:
    body = signalement_body()
    body["residence"]["commune_insee"] = insee
    facts = definition(str(body["kind"])).parse(body)
    with Session(engine) as session:
        return prepare(session, CALLER, facts, Policy(), TODAY).orgs


def _gironde(engine: Engine) -> dict[str, Any]:
    """Every row of the read model the import concerns."""
    with Session(engine) as session:
        communes = session.exec(select(Commune).where(Commune.departement == "33")).all()
        gaps = session.exec(select(CommuneGap).where(CommuneGap.departement == "33")).all()
        orgs = session.exec(select(Organisation).where(Organisation.departement == "33")).all()
        return {
            "communes": sorted(row.model_dump_json() for row in communes),
            "gaps": sorted(row.model_dump_json() for row in gaps),
            "orgs": sorted(row.model_dump_json() for row in orgs),
        }


def test_a_dry_run_reports_what_is_missing_and_writes_nothing(
    setup: tuple[Settings, Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    settings, engine = setup
    _import(settings, *FILES, "--dry-run")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Département 33 (Gironde) : 4 communes dans communes_france.csv."
    assert lines[1] == (
        "Avec une unité compétente : 3 ; avec un tribunal judiciaire : 3 ; routables : 3 ; "
        "en attente : 1."
    )
    assert lines[2].startswith(f"Communes sans unité (1) — à ajouter dans {GIRONDE}/unites.csv")
    assert "colonnes insee, force_code (PN ou GN), unite_competente, source" in lines[2]
    assert lines[3] == "  33522 Talence"
    assert lines[4].startswith("Communes sans tribunal judiciaire (1) — à ajouter dans ")
    assert "colonnes insee, tribunal_judiciaire, source" in lines[4]
    assert lines[5] == "  33522 Talence"
    assert lines[6] == "Simulation (--dry-run) : rien n'a été écrit."
    assert not (settings.data_dir / "departements").exists()
    assert _gironde(engine) == {"communes": [], "gaps": [], "orgs": []}


def test_the_import_routes_its_communes_and_refuses_the_one_left_out(
    setup: tuple[Settings, Engine],
) -> None:
    settings, engine = setup
    _import(settings, *FILES)
    expected = {
        "forces": "gendarmerie-andernos-les-bains",
        "gendarmerie": "gendarmerie-andernos-les-bains",
        "parquet": "parquet-bordeaux",
        "juge": "tj-bordeaux",
        "prefet": "prefecture-33",
    }
    assert expected.items() <= _start(engine, "33005").items()
    assert _start(engine, "33281")["forces"] == "police-merignac"
    with Session(engine) as session:
        prefecture = session.get(Organisation, "prefecture-33")
        parquet = session.get(Organisation, "parquet-bordeaux")
        unit = session.get(Organisation, "police-merignac")
        assert prefecture is not None and prefecture.name == "Préfecture de la Gironde"
        assert parquet is not None
        assert parquet.name == "Parquet du tribunal judiciaire de Bordeaux"
        assert unit is not None and unit.name == "Commissariat de police de Mérignac"
        assert unit.territory == "Mérignac" and unit.departement == "33"
    body = signalement_body()
    body["residence"]["commune_insee"] = "33522"
    facts = definition(str(body["kind"])).parse(body)
    with Session(engine) as session, pytest.raises(StartRefused) as refused:
        prepare(session, CALLER, facts, Policy(), TODAY)
    message = refused.value.message
    assert message.startswith("Talence : aucune unité de police ou de gendarmerie compétente")
    assert "« quietude reference import 33 --units FICHIER »" in message
    assert "aucun tribunal judiciaire" in message


def test_a_second_import_changes_nothing(
    setup: tuple[Settings, Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    settings, engine = setup
    _import(settings, *FILES)
    folder = settings.data_dir / "departements" / "33"
    written = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    before = _gironde(engine)
    capsys.readouterr()
    _import(settings, *FILES)
    assert "Aucun changement" in capsys.readouterr().out
    assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == written
    assert _gironde(engine) == before
    _import(settings)  # without the files: the copies kept by the first import
    assert _gironde(engine) == before


def test_the_imported_departement_survives_a_migrate(setup: tuple[Settings, Engine]) -> None:
    settings, engine = setup
    _import(settings, *FILES)
    before = _gironde(engine)
    with Session(engine) as session:
        session.exec(delete(Commune).where(col(Commune.departement) == "33"))
        session.exec(delete(CommuneGap).where(col(CommuneGap.departement) == "33"))
        session.commit()
    assert run_migrate(settings, build_parser().parse_args(["migrate"])) == 0
    assert _gironde(engine) == before
    assert _start(engine, "33063")["forces"] == "police-bordeaux"


def test_files_naming_a_commune_of_another_departement_are_refused(
    setup: tuple[Settings, Engine], tmp_path: Path
) -> None:
    settings, engine = setup
    units = tmp_path / "unites.csv"
    units.write_text(
        (GIRONDE / "unites.csv").read_text(encoding="utf-8")
        + "91228,PN,Commissariat de police d'Évry,test\n",
        encoding="utf-8",
    )
    with pytest.raises(CliError, match=r"ligne 5 : commune « 91228 » absente du département"):
        _import(settings, f"--units={units}")
    with pytest.raises(CliError, match=r"département 91 \(Essonne\) est déjà décrit"):
        run_reference_import(settings, build_parser().parse_args(["reference", "import", "91"]))
    assert not (settings.data_dir / "departements").exists()
    assert _gironde(engine)["communes"] == []
