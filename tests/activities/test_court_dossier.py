"""One numbering of the dossier for the court: letters produced (those the action rests on
first), then exhibits; the names of their files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from activities.court_dossier import letters_in_order, title_in_name
from activities.document_context import read_model_context
from activities.documents import DocumentActivities
from store.tables import Document, Step
from tests.activities.resiliation_rows import (
    PROCEDURE_ID,
    add_piece,
    produce_letters,
    project_resiliation,
)


def letter(kind: str, step_key: str | None, hour: int) -> Document:
    """A letter of a procedure, produced at `hour` on 1 September 2026."""
    return Document(
        id=f"p:{kind}:{step_key or '-'}",
        procedure_id="p",
        kind=kind,
        filename=f"{kind}.docx",
        sha256="0" * 64,
        path=f"/nulle-part/{kind}.docx",
        size=1,
        created_at=datetime(2026, 9, 1, hour, tzinfo=UTC),
        step_key=step_key,
    )


def steps(*keys: str) -> list[Step]:
    """Steps in the order they opened (only their keys matter here)."""
    return [Step(key=key) for key in keys]


def test_the_mise_en_demeure_opens_the_letters_of_a_resiliation() -> None:
    request = letter("demande_information_parquet", "demande_information_parquet", 8)
    notice = letter("mise_en_demeure", "mise_en_demeure", 9)
    offer = letter("offre_relogement", "envoi_offre_relogement", 10)
    opened = steps(
        "demande_information_parquet",
        "constitution_dossier",
        "mise_en_demeure",
        "envoi_offre_relogement",
    )

    ordered = letters_in_order("resiliation", opened, [offer, request, notice])

    assert [d.kind for d in ordered] == [
        "mise_en_demeure",
        "demande_information_parquet",
        "offre_relogement",
    ]


def test_other_letters_follow_the_order_of_their_steps_not_of_their_production() -> None:
    # A letter redone later keeps the place of its step; one of no step opens the list.
    late = letter("recepisse_depot_plainte", "depot_plainte", 18)
    early = letter("fiche_signalement", "transmission", 9)
    at_start = letter("courrier", None, 12)
    bordereau = letter("bordereau_pieces", None, 7)

    ordered = letters_in_order(
        "plainte", steps("depot_plainte", "transmission"), [early, late, at_start, bordereau]
    )

    assert [d.kind for d in ordered] == ["courrier", "recepisse_depot_plainte", "fiche_signalement"]


def test_a_title_in_a_file_name_has_no_separator_nor_forbidden_character() -> None:
    assert title_in_name("PV n° 12/2026 \\ hall <C3>") == "PV n° 12-2026 - hall C3"
    assert title_in_name("Constat d'huissier — hall C3") == "Constat d'huissier — hall C3"
    assert title_in_name(' ..?*" ') == "sans titre"
    assert len(title_in_name("x" * 300)) == 120


def test_the_exhibits_are_numbered_after_the_letters_in_every_list_of_the_context(
    reference_engine: Engine, documents: DocumentActivities, tmp_path: Path
) -> None:
    project_resiliation(reference_engine)
    produce_letters(documents)
    add_piece(
        reference_engine,
        tmp_path / "pieces",
        "Constat",
        "constat",
        b"%PDF-1.4 constat",
        "constat.pdf",
        datetime(2026, 9, 10, 8, tzinfo=UTC),
    )

    with Session(reference_engine) as session:
        context = read_model_context(session, PROCEDURE_ID)

    assert context is not None
    assert [(e["numero"], e["fichier"]) for e in context["bordereau"]] == [
        (1, "01 - Mise en demeure du locataire.docx"),
        (2, "02 - Demande d'information au parquet.docx"),
        (3, "03 - Offre de relogement.docx"),
        (4, "04 - Constat.pdf"),
    ]
    assert [e["numero"] for e in context["courriers"]] == [1, 2, 3]
    assert [(e["numero"], e["kind_label"]) for e in context["pieces"]] == [(4, "Constat")]
