"""The conventions file: the Essonne's as shipped, and the French errors of a bad file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from quietude.conventions import (
    NO_CONVENTION,
    ConventionsError,
    read_conventions,
)
from quietude.procedures import ProcedureService
from quietude.settings import REPO_ROOT, Settings

SHIPPED = REPO_ROOT / "data" / "conventions.toml"
ESSONNE = "Convention sécurité – tranquillité résidentielle de l'Essonne du 14 septembre 2021"
GOOD_ENTRY = """
[departements.{code}]
titre = "Convention sécurité – tranquillité résidentielle de la Seine-Saint-Denis"
date = 2024-03-01
signataires = ["Préfecture de la Seine-Saint-Denis", "Parquet de Bobigny"]
source = "https://example.invalid/convention-93.pdf"
fin_treve = "04-15"

[departements.{code}.objectifs]
{targets}
"""


def conventions_file(tmp_path: Path, code: str = "93", targets: str = "") -> Path:
    path = tmp_path / "conventions.toml"
    path.write_text(GOOD_ENTRY.format(code=code, targets=targets), encoding="utf-8")
    return path


def test_the_shipped_file_holds_the_essonne_convention() -> None:
    conventions = read_conventions(SHIPPED)
    essonne = conventions.of("91")
    assert essonne is not None
    assert essonne.signed_on == date(2021, 9, 14)
    assert conventions.wording("91") == ESSONNE
    # Its text was not found: no signatory nor target is asserted without a source.
    assert essonne.signatories == [] and essonne.targets == {}
    assert conventions.wording("93") == NO_CONVENTION


def test_a_good_entry_is_read_whole(tmp_path: Path) -> None:
    path = conventions_file(tmp_path, targets='accuse_reception = "1jo"\ndecision_parquet = "1m"')
    convention = read_conventions(path).of("93")
    assert convention is not None
    assert convention.signatories == ["Préfecture de la Seine-Saint-Denis", "Parquet de Bobigny"]
    assert convention.targets == {"accuse_reception": "1jo", "decision_parquet": "1m"}
    assert convention.treve_end == "04-15"


def test_a_bad_target_is_named_with_its_file_and_département(tmp_path: Path) -> None:
    path = conventions_file(tmp_path, targets='accuse_reception = "deux jours"')
    with pytest.raises(ConventionsError) as error:
        read_conventions(path)
    message = str(error.value)
    assert str(path) in message and "département 93" in message
    assert "champ « objectifs »" in message and "étape « accuse_reception »" in message
    assert "Délai « deux jours » invalide" in message


def test_a_target_of_a_step_without_one_is_refused(tmp_path: Path) -> None:
    path = conventions_file(tmp_path, targets='audience = "10j"')
    with pytest.raises(ConventionsError, match="étape « audience » inconnue"):
        read_conventions(path)


def test_an_unknown_département_code_is_refused(tmp_path: Path) -> None:
    path = conventions_file(tmp_path, code="20")
    with pytest.raises(ConventionsError) as error:
        read_conventions(path)
    assert str(path) in str(error.value)
    assert "département « 20 » : code de département inconnu" in str(error.value)


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "conventions.toml"
    path.write_text('[departements.75]\ndate = 2020-01-01\nsource = "x"\n', encoding="utf-8")
    with pytest.raises(ConventionsError, match="département 75 : champ « titre » : champ "):
        read_conventions(path)


def test_no_file_means_no_convention(tmp_path: Path) -> None:
    assert read_conventions(tmp_path / "absent.toml").of("91") is None


def test_a_bad_file_stops_the_service_at_start(tmp_path: Path, settings: Settings) -> None:
    path = conventions_file(tmp_path, targets='accuse_reception = "2 semaines"')
    bad = settings.model_copy(update={"conventions_file": path})
    with pytest.raises(ConventionsError, match="département 93"):
        ProcedureService(client=None, engine=None, settings=bad)  # type: ignore[arg-type]
