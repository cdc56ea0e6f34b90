"""Prepared templates render what DocxTemplate.render renders, part by part, and an edited
template is prepared again."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from docxtpl import DocxTemplate, RichText
from sqlalchemy import Engine
from temporalio.exceptions import ApplicationError

from activities.documents import (
    DocumentActivities,
    document_date,
    document_properties,
    make_environment,
)
from activities.docx_render import PreparedDocx, PreparedTemplates
from activities.docx_zip import normalised_zip
from domain.contracts import DocumentRequest
from tests.activities.docx_samples import sample_template
from tests.activities.resiliation_rows import PROCEDURE_ID, add_piece, project_resiliation
from tests.activities.test_documents import fiche_context
from tests.activities.test_letters import letter_request
from tests.activities.test_recepisse import recepisse_request
from tests.docx_text import open_docx, text_of
from tests.fixtures import TEMPLATES_DIR

REPOSITORY_TEMPLATES = sorted(path.stem for path in TEMPLATES_DIR.glob("*.docx"))
ROWS = [{"a": "un", "b": "deux"}, {"a": "trois <b>", "b": "quatre & cinq"}]


def step(label: str) -> dict[str, Any]:
    """A step of an intervention as its compte rendu lists it."""
    return {
        "label": label,
        "libelle": label,
        "org": "Commissariat d'Évry-Courcouronnes",
        "status_label": "Accomplie",
        "outcome_label": "Validée",
        "completed_on": "2026-11-02",
        "date": "2026-11-03",
        "motif": "Présence signalée <le soir>",
        "comment": "Deux passages.\nRien à signaler.",
    }


INTERVENTION = {
    "procedure": {"id": "intervention-2026-000003", "status_label": "En cours"},
    "date_document": "2026-11-30",
    "bailleur": "Démo — Habitat Essonne",
    "commune": "Évry-Courcouronnes",
    "residence": {"nom": "Résidence des Tilleuls", "adresse": "12 rue des Lilas"},
    "halls": "B2, C3",
    "diagnostic": "Occupation : 18 h au 23 h",
    "objectifs": "Rétablir la circulation dans les halls.",
    "validations": [step("Validation du bailleur"), step("Validation des forces")],
    "actions": [step("Patrouille"), step("Médiation")],
    "compte_rendu": step("Compte rendu"),
    "evaluation": step("Évaluation"),
    "indicateurs": {
        "avant_du": "2026-08-01",
        "avant_au": "2026-10-31",
        "apres_du": "2026-11-01",
        "apres_au": "2027-01-31",
        "total_avant": 12,
        "total_apres": 4,
        "total_evolution": "−67 %",
        "lignes": [{"categorie": "Occupation", "avant": 9, "apres": 3, "evolution": "−67 %"}],
    },
}
DIAGNOSTIC = {
    "territoire": "Évry-Courcouronnes — Résidence des Tilleuls",
    "debut": "2026-01-01",
    "fin": "2026-06-30",
    "debut_precedent": "2025-07-01",
    "fin_precedente": "2025-12-31",
    "date_document": "2026-06-30",
    "seuil": 5,
    "diffusion": "Agrégats non nominatifs.",
    "seuils_niveaux": "niveau 1 : 1 à 2 faits",
    **{
        rows: [dict.fromkeys(("type", "categorie", "nombre", "courant", "etape"), "< seuil")] * 2
        for rows in ("synthese", "categories", "suites", "delais", "halls")
    },
}


def members(data: bytes) -> list[tuple[str, bytes]]:
    """The (name, content) of each member of a zip, in its order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(entry.filename, archive.read(entry)) for entry in archive.infolist()]


def assert_renders_as_docxtpl(template: bytes, *contexts: dict[str, Any]) -> None:
    """One prepared template renders each context to the parts DocxTemplate.render then save
    produce, and to the same bytes once zipped."""
    prepared = PreparedDocx(template, make_environment())
    for context in contexts:
        stamp = document_date(context)
        reference = DocxTemplate(io.BytesIO(template))
        reference.render(context, make_environment())
        for name, value in document_properties(stamp).items():
            setattr(reference.docx.core_properties, name, value)
        saved = io.BytesIO()
        reference.save(saved)
        expected = members(saved.getvalue())

        data = prepared.render(context, stamp, document_properties(stamp))

        rendered = members(data)
        assert [name for name, _ in rendered] == [name for name, _ in expected]
        for (name, content), (_, wanted) in zip(rendered, expected, strict=True):
            assert content == wanted, name
        assert data == normalised_zip(saved.getvalue(), stamp)


@pytest.fixture
def contexts(documents: DocumentActivities, reference_engine: Engine, tmp_path: Path) -> Any:
    """The context of each template of the repository, as the application builds it."""
    project_resiliation(reference_engine)
    added = datetime(2026, 9, 10, 8, tzinfo=UTC)
    add_piece(reference_engine, tmp_path, "Constat", "constat", b"%PDF", "c.pdf", added)
    on_file = {"procedure_id": PROCEDURE_ID, "date_document": "2026-12-02"}

    def context(kind: str) -> dict[str, Any]:
        if kind in ("mise_en_demeure", "demande_information_parquet", "offre_relogement"):
            return documents.resolve_context(letter_request(kind))
        if kind in ("bordereau_pieces", "recapitulatif_procedure"):
            request = DocumentRequest(procedure_id=PROCEDURE_ID, kind=kind, context=on_file)
            return documents.resolve_context(request)
        return {
            "fiche_signalement": fiche_context(),
            "recepisse_depot_plainte": documents.resolve_context(recepisse_request()),
            "compte_rendu_intervention": INTERVENTION,
            "diagnostic_local": DIAGNOSTIC,
        }.get(kind, on_file)

    return context


@pytest.mark.parametrize("kind", REPOSITORY_TEMPLATES)
def test_each_template_renders_as_docxtpl_renders_it(kind: str, contexts: Any) -> None:
    assert_renders_as_docxtpl((TEMPLATES_DIR / f"{kind}.docx").read_bytes(), contexts(kind))


def test_headers_footnotes_properties_and_row_tags_render_as_docxtpl_renders_them() -> None:
    full = {
        "titre": "Procès-verbal <n° 12> & suites",
        "valeur": "« 42 »",
        # docxtpl renders footnotes once per section: a tag in the data is rendered the second time.
        "note": "art. 40 CPP {{ valeur }}",
        "montrer": True,
        "items": ["a", "b"],
        "riche": RichText("gras & souligné", bold=True, underline=True),
        "texte": "ligne 1\nligne 2\tfin",
        "lignes": ROWS,
        "date_document": "2026-12-01",
    }
    empty = {"titre": "Vide", "montrer": False, "lignes": [], "riche": RichText("")}

    # One prepared template for the three: a render leaves nothing behind for the next.
    assert_renders_as_docxtpl(sample_template(), full, empty, full)


def test_a_template_is_prepared_once_per_version_of_its_file(tmp_path: Path) -> None:
    path = tmp_path / "modele.docx"
    path.write_bytes(sample_template())
    templates = PreparedTemplates(make_environment())

    first = templates.get(path)
    again = templates.get(path)
    mtime = path.stat().st_mtime_ns + 2_000_000_000
    os.utime(path, ns=(mtime, mtime))  # saved again in Word, same content and size

    assert again is first
    assert templates.get(path) is not first


def test_an_edited_template_is_read_again(reference_engine: Engine, tmp_path: Path) -> None:
    templates_dir = tmp_path / "modeles"
    templates_dir.mkdir()
    path = templates_dir / "fiche_signalement.docx"
    path.write_bytes(sample_template("Première version : {{ titre }}"))
    activities = DocumentActivities(reference_engine, templates_dir, tmp_path / "documents")
    context = {"titre": "essai", "lignes": [], "riche": RichText("")}
    before = activities.render_bytes("fiche_signalement", context)
    mtime = path.stat().st_mtime_ns

    path.write_bytes(sample_template("Seconde version : {{ titre }}"))
    os.utime(path, ns=(mtime + 2_000_000_000, mtime + 2_000_000_000))
    after = activities.render_bytes("fiche_signalement", context)

    (tmp_path / "avant.docx").write_bytes(before)
    (tmp_path / "apres.docx").write_bytes(after)
    assert "Première version : essai" in text_of(open_docx(tmp_path / "avant.docx"))
    text = text_of(open_docx(tmp_path / "apres.docx"))
    assert "Seconde version : essai" in text and "Première" not in text


def test_a_template_that_does_not_compile_fails_until_it_is_corrected(
    reference_engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "modeles" / "fiche_signalement.docx"
    path.parent.mkdir()
    path.write_bytes(sample_template("{% if titre %}Titre sans fin de condition"))
    activities = DocumentActivities(reference_engine, path.parent, tmp_path / "documents")
    context = {"titre": "essai", "lignes": [], "riche": RichText("")}

    with pytest.raises(ApplicationError) as raised:
        activities.render_bytes("fiche_signalement", context)
    path.write_bytes(sample_template("Titre : {{ titre }}"))
    mtime = path.stat().st_mtime_ns + 2_000_000_000
    os.utime(path, ns=(mtime, mtime))

    assert raised.value.non_retryable
    assert "le modèle fiche_signalement.docx n'a pas pu être rempli" in raised.value.message
    assert activities.render_bytes("fiche_signalement", context)
