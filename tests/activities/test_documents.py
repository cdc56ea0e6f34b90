"""Rendering of .docx documents: content, determinism, idempotent storage and errors."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.activity import _Definition
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.documents import (
    DocumentActivities,
    DocumentRequest,
    date_fr,
    label,
)
from domain.facts import CategorieSignalement
from domain.procedures.signalement import Destinataire, SignalementFacts, SourceSignalement
from store.tables import Document
from tests.builders import signalement_body
from tests.docx_text import find_table, text_of

PROCEDURE_ID = "signalement-2026-000001"
PERSONNES = [
    {"nom": "Dupré", "prenom": "Zoé", "locataire": True},
    {"nom": "Lefèvre", "locataire": False},
]


def fiche_context(**fact_overrides: Any) -> dict[str, Any]:
    """The context of a fiche de signalement, built from validated facts."""
    body = signalement_body(
        destinataire="forces_et_parquet",
        description="Occupation du hall B2 par un groupe.\nNuisances sonores <tard> & cris.",
        personnes=PERSONNES,
    )
    body.update(fact_overrides)
    facts = SignalementFacts.model_validate(body).model_dump(mode="json")
    return {
        "procedure_id": PROCEDURE_ID,
        "transmis_le": "2026-11-21",
        "bailleur": "Demo Habitat Essonne",
        "destinataires": ["Commissariat d'Évry-Courcouronnes", "Parquet d'Évry"],
        "commune": "Évry-Courcouronnes",
        "facts": facts,
    }


def fiche_request(context: dict[str, Any] | None = None) -> DocumentRequest:
    """A request for the fiche de signalement of the test procedure."""
    return DocumentRequest(
        procedure_id=PROCEDURE_ID,
        kind="fiche_signalement",
        step_key="transmission",
        context=fiche_context() if context is None else context,
    )


def stored_path(documents: DocumentActivities) -> Path:
    """Where the fiche of the test procedure is stored."""
    return documents.storage_dir / PROCEDURE_ID / "fiche_signalement-transmission.docx"


def persons_rows(document: DocumentObject) -> list[list[str]] | None:
    """The rows of the persons table, or None when the document has none."""
    return find_table(document, "Nom", "Prénom", "Locataire")


def test_fiche_contains_the_accented_facts_dates_and_labels(
    documents: DocumentActivities,
) -> None:
    ref = documents.render(fiche_request())

    document = docx.Document(str(stored_path(documents)))
    text = text_of(document)
    assert ref.filename == f"{PROCEDURE_ID}-fiche_signalement-transmission.docx"
    for expected in (
        "Fiche de signalement",
        PROCEDURE_ID,
        "21 novembre 2026",
        "Demo Habitat Essonne",
        "Commissariat d'Évry-Courcouronnes, Parquet d'Évry",
        "Forces de l'ordre et parquet",
        "Résidence des Tilleuls",
        "12 rue des Lilas",
        "Évry-Courcouronnes (code INSEE 91228)",
        "Occupation des halls",
        "20 novembre 2026 à 22 h 30",
        "Gardien",
        "Nuisances sonores <tard> & cris.",
    ):
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text
    assert persons_rows(document) == [
        ["Nom", "Prénom", "Locataire"],
        ["Dupré", "Zoé", "oui"],
        ["Lefèvre", "", "non"],
    ]


def test_a_newline_of_the_description_is_a_line_break(documents: DocumentActivities) -> None:
    documents.render(fiche_request())

    document = docx.Document(str(stored_path(documents)))
    description = next(p for p in document.paragraphs if "Occupation du hall B2" in p.text)
    assert description._p.xpath(".//w:br")
    assert description.text == (
        "Occupation du hall B2 par un groupe.\nNuisances sonores <tard> & cris."
    )


def test_footer_numbers_the_pages_and_restricts_access(documents: DocumentActivities) -> None:
    documents.render(fiche_request())

    footer = docx.Document(str(stored_path(documents))).sections[0].footer
    instructions = [node.text.strip() for node in footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    text = "\n".join(paragraph.text for paragraph in footer.paragraphs)
    assert "Page 1 / 1" in text
    assert "convention sécurité – tranquillité résidentielle de l'Essonne" in text
    assert "données personnelles : accès restreint" in text


def test_rendering_twice_keeps_one_row_and_identical_bytes(
    documents: DocumentActivities, reference_engine: Engine
) -> None:
    first = documents.render(fiche_request())
    first_bytes = stored_path(documents).read_bytes()
    second = documents.render(fiche_request())

    assert second == first
    assert stored_path(documents).read_bytes() == first_bytes
    assert list(stored_path(documents).parent.iterdir()) == [stored_path(documents)]
    with Session(reference_engine) as session:
        rows = session.exec(select(Document)).all()
    assert len(rows) == 1
    row = rows[0]
    assert row.id == f"{PROCEDURE_ID}:fiche_signalement:transmission"
    assert (row.sha256, row.size, row.step_key) == (first.sha256, first.size, "transmission")
    assert Path(row.path) == stored_path(documents)


def test_output_is_dated_by_the_context_not_by_the_clock(documents: DocumentActivities) -> None:
    documents.render(fiche_request())

    path = stored_path(documents)
    properties = docx.Document(str(path)).core_properties
    # 21 November 2026 at midnight in Paris.
    assert properties.created == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    assert properties.modified == properties.created
    assert properties.author == properties.last_modified_by == "Quiétude"
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 21, 0, 0, 0)}


def test_new_content_updates_the_same_row(
    documents: DocumentActivities, reference_engine: Engine
) -> None:
    first = documents.render(fiche_request())
    changed = fiche_request(fiche_context(description="Dégradations de la porte du hall."))
    second = documents.render(changed)

    assert second.id == first.id and second.sha256 != first.sha256
    with Session(reference_engine) as session:
        rows = session.exec(select(Document)).all()
    assert [row.sha256 for row in rows] == [second.sha256]
    assert "Dégradations de la porte" in text_of(docx.Document(str(stored_path(documents))))


def test_without_persons_there_is_no_persons_table(documents: DocumentActivities) -> None:
    context = fiche_context(personnes=[])
    del context["facts"]["personnes"]
    documents.render(fiche_request(context))

    document = docx.Document(str(stored_path(documents)))
    assert persons_rows(document) is None
    assert "Personnes concernées" not in text_of(document)
    assert "Résidence des Tilleuls" in text_of(document)


def test_missing_template_is_a_non_retryable_error(
    reference_engine: Engine, tmp_path: Path
) -> None:
    documents = DocumentActivities(reference_engine, tmp_path / "vide", tmp_path / "documents")

    with pytest.raises(ApplicationError) as raised:
        documents.render(fiche_request())

    assert raised.value.non_retryable
    assert "modèle de document introuvable : fiche_signalement.docx" in raised.value.message
    assert not (tmp_path / "documents").exists()


def test_a_kind_that_leaves_the_templates_folder_is_refused(
    documents: DocumentActivities,
) -> None:
    request = fiche_request().model_copy(update={"kind": "../fiche_signalement"})

    with pytest.raises(ApplicationError) as raised:
        documents.render(request)

    assert raised.value.non_retryable
    assert "type de document invalide" in raised.value.message


def test_an_invalid_date_is_a_non_retryable_error(documents: DocumentActivities) -> None:
    context = fiche_context()
    context["transmis_le"] = "21/11/2026"

    with pytest.raises(ApplicationError) as raised:
        documents.render(fiche_request(context))

    assert raised.value.non_retryable
    assert "n'a pas pu être rempli" in raised.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-02", "2 mars 2026"),
        ("2026-04-01", "1er avril 2026"),
        ("2026-11-20T22:30:00+01:00", "20 novembre 2026 à 22 h 30"),
        ("2026-11-20T21:30:00Z", "20 novembre 2026 à 22 h 30"),
        ("2026-07-14T07:05:00+00:00", "14 juillet 2026 à 9 h 05"),
        ("2026-05-01T10:00:00", "1er mai 2026 à 10 h"),
        (None, ""),
    ],
)
def test_date_fr(value: str | None, expected: str) -> None:
    assert date_fr(value) == expected


def test_every_signalement_code_has_a_french_label() -> None:
    codes = [*CategorieSignalement, *SourceSignalement, *Destinataire]
    assert all(label(code) != code.value.replace("_", " ") for code in codes)
    assert label("agent_assermente") == "Agent assermenté"
    assert label("code_inconnu") == "code inconnu"


def test_runs_as_the_render_document_activity(documents: DocumentActivities) -> None:
    ref = ActivityEnvironment().run(documents.render, fiche_request())

    assert _Definition.must_from_callable(documents.render).name == "render_document"
    assert ref.sha256 and stored_path(documents).is_file()
