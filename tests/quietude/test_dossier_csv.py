"""Reading a CSV export of résiliation dossiers and turning each line into a start body."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.imports import DossierImportError, plan_import
from domain.procedures.resiliation import DEFINITION as RESILIATION
from quietude.dossier_csv import (
    ImportFileError,
    LineError,
    body_of,
    facts_of,
    in_csv_terms,
    read_dossiers,
)
from tests.quietude.dossier_rows import csv_bytes, row

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_reads_a_semicolon_export_with_excel_bom() -> None:
    lines = read_dossiers(csv_bytes([row(), row(bail_reference="B-2")], bom=True))

    assert [line.number for line in lines] == [2, 3]
    assert lines[0].cells["reference_logement"] == "LGT-0042"
    assert lines[1].cells["bail_reference"] == "B-2"


def test_reads_a_comma_export_with_quoted_cells() -> None:
    dossier = row(
        locataires="DUPONT, Jean|MARTIN, Léa",
        etape="audience",
        date_assignation="2026-03-01",
        resultat_assignation="delivree",
        donnees_assignation='{"audience": "2026-05-04"}',
    )
    (line,) = read_dossiers(csv_bytes([dossier], sep=","))

    assert line.cells["locataires"] == "DUPONT, Jean|MARTIN, Léa"
    assert line.cells["donnees_assignation"] == '{"audience": "2026-05-04"}'


def test_line_numbers_count_the_header_blank_lines_and_multiline_cells() -> None:
    dossiers = [row(adresse="12 rue des Lilas\nEntrée B"), row(bail_reference="B-2")]
    header, first, second, _ = csv_bytes(dossiers).decode().split("\r\n")
    text = "\r\n".join([header, first, "", ";;;", second]) + "\r\n"

    lines = read_dossiers(text.encode())

    # The first dossier spans lines 2 and 3; lines 4 and 5 are empty and skipped.
    assert [line.number for line in lines] == [2, 6]
    assert lines[0].cells["adresse"] == "12 rue des Lilas\nEntrée B"


def test_dates_are_read_in_both_formats() -> None:
    iso = body_of(row(bail_date_effet="2019-05-01", date_constitution_dossier="2026-02-02"))
    french = body_of(row(bail_date_effet="01/05/2019", date_constitution_dossier="2/2/2026"))

    assert french == iso
    assert iso["bail"]["date_effet"] == "2019-05-01"
    assert iso["en_cours"]["dates"] == {"constitution_dossier": "2026-02-02"}


def test_persons_are_nom_prenom_pairs_separated_by_bars() -> None:
    body = body_of(row(locataires="DUPONT, Jean | MARTIN", occupants="DUPONT, Léa|DUPONT, Noé"))

    assert body["locataires"] == [{"nom": "DUPONT", "prenom": "Jean"}, {"nom": "MARTIN"}]
    assert body["occupants"] == [
        {"nom": "DUPONT", "prenom": "Léa"},
        {"nom": "DUPONT", "prenom": "Noé"},
    ]


def test_motifs_are_codes_separated_by_bars() -> None:
    body = body_of(row(motifs="trafic_stupefiants | troubles_jouissance"))

    assert body["motifs"] == ["trafic_stupefiants", "troubles_jouissance"]


def test_a_line_becomes_the_api_start_body() -> None:
    cells = row(
        occupants="",
        impayes="oui",
        origine="injonction_prefet",
        injonction_date="10/01/2026",
        etape="audience",
        date_reponse_injonction="2026-01-20",
        resultat_reponse_injonction="acceptee",
        date_saisine_juge_apres_injonction="2026-02-10",
        donnees_saisine_juge_apres_injonction='{"audience": "2026-06-01"}',
        date_constitution_dossier="",
    )
    body = body_of(cells)

    assert body == {
        "kind": "resiliation",
        "logement": {
            "residence": {
                "nom": "Résidence des Tilleuls",
                "adresse": "12 rue des Lilas",
                "commune_insee": "91228",
                "batiment": "C",
                "hall": "3",
            },
            "reference": "LGT-0042",
        },
        "bail": {"reference": "B-2019-0042", "date_effet": "2019-05-01"},
        "locataires": [{"nom": "DUPONT", "prenom": "Jean"}],
        "motifs": ["trafic_stupefiants"],
        "impayes": True,
        "origine": "injonction_prefet",
        "injonction": {"date": "2026-01-10"},
        "en_cours": {
            "etape": "audience",
            "dates": {
                "reponse_injonction": "2026-01-20",
                "saisine_juge_apres_injonction": "2026-02-10",
            },
            "outcomes": {"reponse_injonction": "acceptee"},
            "data": {"saisine_juge_apres_injonction": {"audience": "2026-06-01"}},
        },
    }
    facts = facts_of(cells)
    assert facts.injonction is not None and facts.en_cours is not None
    assert facts.en_cours.data["saisine_juge_apres_injonction"] == {"audience": "2026-06-01"}


def test_unreadable_cells_and_invalid_values_are_named_by_column() -> None:
    cells = row(
        bail_date_effet="31/02/2019",
        commune_insee="9122",
        motifs="trafic",
        impayes="peut-être",
        residence_nom="",
        donnees_assignation="[1]",
    )
    with pytest.raises(LineError) as refused:
        facts_of(cells)

    message = str(refused.value)
    assert "bail_date_effet : date invalide « 31/02/2019 » (AAAA-MM-JJ ou JJ/MM/AAAA)" in message
    assert "commune_insee : « 9122 » : format invalide" in message
    assert "motifs (n° 1) : « trafic » : valeur invalide" in message
    assert "impayes : « peut-être » : oui ou non attendu" in message
    assert "residence_nom : champ requis" in message
    assert "donnees_assignation : objet JSON attendu" in message
    # The unreadable date is not reported a second time as missing.
    assert "bail_date_effet : champ requis" not in message


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {
                "etape": "assignation",
                "date_envoi_offre_relogement": "2026-02-27",
                "date_reponse_offre_relogement": "2026-03-10",
                "date_audience": "",
            },
            "« reponse_offre_relogement » dans la colonne resultat_reponse_offre_relogement "
            "(possibles",
        ),
        ({"donnees_assignation": ""}, "audience (dans la colonne donnees_assignation)."),
        ({"donnees_assignation": '{"audience": "mai"}'}, "donnees_assignation : « audience »"),
    ],
)
def test_import_rules_name_the_columns_of_the_file(cells: dict[str, str], expected: str) -> None:
    judged = row(
        etape="jugement",
        date_constitution_dossier="2026-01-05",
        date_mise_en_demeure="2026-01-20",
        date_delai_mise_en_demeure="2026-02-25",
        date_assignation="2026-03-16",
        resultat_assignation="delivree",
        donnees_assignation='{"audience": "2026-05-04"}',
        date_audience="2026-05-04",
        resultat_audience="tenue",
    )
    facts = facts_of(judged | {"resultat_audience": ""} | cells)
    assert facts.en_cours is not None

    with pytest.raises(DossierImportError) as refused:
        plan_import(RESILIATION, facts, date(2026, 11, 26))

    assert expected in in_csv_terms(str(refused.value))
    assert "en_cours" not in in_csv_terms(str(refused.value))


def test_unknown_column_makes_the_file_unreadable() -> None:
    raw = csv_bytes([row(date_mise_en_demeur="2026-02-10", couleur="bleu")])

    with pytest.raises(ImportFileError) as refused:
        read_dossiers(raw)

    assert str(refused.value) == (
        "Colonnes inconnues : date_mise_en_demeur (vouliez-vous dire date_mise_en_demeure ?), "
        "couleur."
    )


def test_missing_required_column_makes_the_file_unreadable() -> None:
    dossier = row()
    del dossier["etape"], dossier["motifs"]

    with pytest.raises(ImportFileError, match="Colonnes requises absentes : motifs, etape."):
        read_dossiers(csv_bytes([dossier]))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "Fichier vide"),
        ("LGT-1;Résidence;1 rue;91228\n".encode(), "Ligne d'en-tête absente"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb7\xe5", "pas un texte UTF-8"),
        ("reference_logement;résidence\n".encode("cp1252"), "CSV UTF-8"),
        (b"reference_logement\x00;etape\n", "fichier binaire"),
    ],
)
def test_a_file_that_is_not_a_csv_export_is_refused(raw: bytes, expected: str) -> None:
    with pytest.raises(ImportFileError, match=expected):
        read_dossiers(raw)


def test_example_of_the_documentation_is_a_valid_file() -> None:
    text = (REPO_ROOT / "docs" / "import-csv.md").read_text(encoding="utf-8")
    example = text.split("```csv\n", 1)[1].split("```", 1)[0]

    lines = read_dossiers(example.encode())

    assert len(lines) >= 3
    for line in lines:
        facts_of(line.cells)
