"""The bordereau de pièces and the récapitulatif de procédure, built from the read model."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.exceptions import ApplicationError

from activities.document_context import read_model_context
from activities.documents import DocumentActivities
from domain.contracts import DocumentRequest
from store.tables import Piece
from tests.activities.resiliation_rows import PROCEDURE_ID, add_piece, project_resiliation
from tests.docx_text import open_docx, table_rows, text_of

CONSTAT = b"%PDF-1.4 constat"
JUGEMENT = b"%PDF-1.4 jugement"


@pytest.fixture
def pieces(reference_engine: Engine, tmp_path: Path) -> list[Piece]:
    """The résiliation in the read model with two exhibits, added in this order."""
    project_resiliation(reference_engine)
    storage = tmp_path / "pieces"
    # Added in the reverse order of their ids: numbering follows the date they were added.
    second = add_piece(
        reference_engine,
        storage,
        "Jugement du tribunal correctionnel",
        "jugement",
        JUGEMENT,
        "jugement.pdf",
        datetime(2026, 10, 3, 22, 30, tzinfo=UTC),
    )
    first = add_piece(
        reference_engine,
        storage,
        "Constat d'huissier — hall C3",
        "constat",
        CONSTAT,
        "constat.pdf",
        datetime(2026, 9, 10, 8, tzinfo=UTC),
    )
    return [first, second]


def file_request(kind: str) -> DocumentRequest:
    """The on-demand request: only the procedure and the date of the document."""
    return DocumentRequest(
        procedure_id=PROCEDURE_ID,
        kind=kind,
        context={"procedure_id": PROCEDURE_ID, "date_document": "2026-12-02"},
    )


def render(documents: DocumentActivities, kind: str) -> Path:
    """Render `kind` through the activity and return the stored file."""
    documents.render(file_request(kind))
    return documents.storage_dir / PROCEDURE_ID / f"{kind}.docx"


def test_bordereau_numbers_every_exhibit_in_the_order_it_was_added(
    documents: DocumentActivities, pieces: list[Piece]
) -> None:
    document = open_docx(render(documents, "bordereau_pieces"))
    text = text_of(document)

    assert table_rows(document, "N°") == [
        ["N°", "Intitulé", "Nature", "Date", "Empreinte SHA-256"],
        [
            "1",
            "Constat d'huissier — hall C3",
            "Constat",
            "10 septembre 2026",
            pieces[0].sha256[:12],
        ],
        # 22:30 UTC on 3 October is already the 4th in Paris.
        [
            "2",
            "Jugement du tribunal correctionnel",
            "Jugement",
            "4 octobre 2026",
            pieces[1].sha256[:12],
        ],
    ]
    for expected in (
        "Bordereau de communication de pièces",
        "n° resiliation-2026-000007 — Résiliation de bail",
        "Démo — Habitat Essonne (bailleur fictif)",
        "Résidence des Tilleuls, Évry-Courcouronnes",
        "2 décembre 2026",
        "Nombre de pièces | 2",
    ):
        assert expected in text, expected


def test_bordereau_without_exhibits_says_so(
    documents: DocumentActivities, reference_engine: Engine
) -> None:
    project_resiliation(reference_engine)
    document = open_docx(render(documents, "bordereau_pieces"))

    assert "Aucune pièce n'a été versée au dossier." in text_of(document)
    assert all(table.rows[0].cells[0].text != "N°" for table in document.tables)


def test_recapitulatif_shows_steps_due_dates_legal_bases_outcomes_and_events(
    documents: DocumentActivities, pieces: list[Piece]
) -> None:
    document = open_docx(render(documents, "recapitulatif_procedure"))
    steps = table_rows(document, "Étape")
    events = table_rows(document, "Date", "Événement")
    milestones = table_rows(document, "Date", "Repère")

    assert [row[0] for row in steps[1:]] == [
        "Constitution du dossier",
        "Demande d'information au parquet (condamnations, décisions)",
        "Mise en demeure du locataire",
        "Offre de relogement (réponse du locataire)",
        "Assignation devant le juge des contentieux de la protection",
    ]
    assert steps[2][1:] == [
        "Parquet — Parquet du tribunal judiciaire d'Évry-Courcouronnes",
        "15 septembre 2026",
        "15 octobre 2026",
        "convention sécurité – tranquillité résidentielle",
        "Accomplie : Information transmise, le 2 octobre 2026",
    ]
    assert steps[4][4:] == [
        "art. L. 442-4-1 CCH — 1 mois à compter du 27 octobre 2026",
        "Accomplie : Pas de réponse dans le mois (implicite), le 27 novembre 2026",
    ]
    assert steps[5][1:4] == [
        "Commissaire de justice — Démo — Étude de commissaires de justice (fictive)",
        "27 novembre 2026",
        "28 décembre 2026",
    ]
    assert steps[5][5] == "En attente"
    assert events[1] == [
        "1er septembre 2026 à 10 h",
        "Procédure ouverte par le bailleur",
        "Démo — Habitat Essonne (bailleur fictif)",
    ]
    assert len(events) == 1 + 1 + 5 + 4  # header, start, five openings, four completions
    assert milestones[1:] == [
        [
            "27 novembre 2026",
            "Fin du délai de réponse à l'offre de relogement",
            "art. L. 442-4-1 CCH — 1 mois à compter du 27 octobre 2026",
        ]
    ]
    text = text_of(document)
    assert "État | En cours" in text
    assert "Pièces versées au dossier : 2" in text


def test_read_model_context_keys(reference_engine: Engine, pieces: list[Piece]) -> None:
    with Session(reference_engine) as session:
        context = read_model_context(session, PROCEDURE_ID)

    assert context is not None
    assert set(context) == {
        "procedure",
        "bailleur",
        "commune",
        "facts",
        "milestones",
        "steps",
        "events",
        "bordereau",
        "courriers",
        "pieces",
    }
    assert [p["numero"] for p in context["pieces"]] == [1, 2]
    assert context["pieces"][0]["kind_label"] == "Constat"
    assert context["steps"][1]["outcome_label"] == "Information transmise"
    assert context["facts"]["bail"]["reference"] == "B-2019-0042"


def test_an_unknown_procedure_has_no_context_and_its_rendering_is_retried(
    documents: DocumentActivities, reference_engine: Engine
) -> None:
    with Session(reference_engine) as session:
        assert read_model_context(session, "resiliation-2026-999999") is None
    request = file_request("bordereau_pieces").model_copy(
        update={"procedure_id": "resiliation-2026-999999"}
    )

    with pytest.raises(ApplicationError) as raised:
        documents.render(request)

    assert not raised.value.non_retryable
    assert "absente du modèle de lecture" in raised.value.message
