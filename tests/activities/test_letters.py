"""The letters of a résiliation (mise en demeure, demande au parquet, offre de relogement)
rendered by the render_document activity as the engine requests them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn

from activities.documents import DocumentActivities
from domain.contracts import DocumentRequest
from tests.activities.resiliation_rows import PROCEDURE_ID, resiliation_facts
from tests.builders import BAILLEUR, EVRY, PARQUET
from tests.docx_text import open_docx, table_rows, text_of

BAILLEUR_NAME = "Démo — Habitat Essonne (bailleur fictif)"
PARQUET_NAME = "Parquet du tribunal judiciaire d'Évry-Courcouronnes"
LETTERS = ("mise_en_demeure", "demande_information_parquet", "offre_relogement")
STEPS: dict[str, dict[str, Any]] = {
    "mise_en_demeure": {
        "label": "Mise en demeure du locataire",
        "opened_on": "2026-11-20",
        "due": "2026-12-07",
        "due_explanation": "15 jours (objectif)",
    },
    "demande_information_parquet": {
        "label": "Demande d'information au parquet (condamnations, décisions)",
        "opened_on": "2026-11-20",
        "due": "2027-01-04",
        "due_explanation": "1 mois à compter du 20 novembre 2026, reporté au lundi",
    },
    "offre_relogement": {
        "label": "Offre de relogement (réponse du locataire)",
        "opened_on": "2026-12-01",
        "due": "2027-01-01",
        "due_explanation": "1 mois à compter de l'envoi de l'offre",
    },
}


def letter_request(kind: str, **facts: Any) -> DocumentRequest:
    """The request the engine sends for the letter of step `kind`."""
    return DocumentRequest(
        procedure_id=PROCEDURE_ID,
        kind=kind,
        step_key=kind,
        context={
            "procedure_id": PROCEDURE_ID,
            "date_document": "2026-12-01",
            "facts": resiliation_facts(**facts),
            "step": {"key": kind, **STEPS[kind]},
        },
        org_refs={"bailleur": BAILLEUR, "destinataire": PARQUET},
        commune_insee=EVRY,
    )


def rendered(documents: DocumentActivities, kind: str, **facts: Any) -> Path:
    """Render the letter and return the stored file."""
    ref = documents.render(letter_request(kind, **facts))
    assert ref.filename == f"{PROCEDURE_ID}-{kind}-{kind}.docx"
    return documents.storage_dir / PROCEDURE_ID / f"{kind}-{kind}.docx"


def test_mise_en_demeure_names_the_tenants_the_lease_the_grounds_and_the_law(
    documents: DocumentActivities,
) -> None:
    text = text_of(open_docx(rendered(documents, "mise_en_demeure")))

    for expected in (
        BAILLEUR_NAME,
        "À Évry-Courcouronnes, le 1er décembre 2026",
        "Hélène Lefèvre",
        "N'Diaye",
        "Résidence des Tilleuls, bâtiment C, hall 3",
        "12 rue des Lilas",
        "Lettre recommandée avec demande d'avis de réception",
        "bail n° B-2019-0042 — logement LGT-0042 — dossier n° resiliation-2026-000007",
        "Vous êtes titulaires du bail n° B-2019-0042, qui a pris effet le 1er mai 2019",
        "article 7 b) de la loi n° 89-462 du 6 juillet 1989",
        "en application des articles 1728 et 1729 du code civil, nous vous mettons en demeure",
        "– des agissements liés au trafic de stupéfiants",
        "– des troubles de jouissance répétés causés au voisinage",
        "dans un délai d'un mois à compter de la réception de cette lettre",
        "action en résiliation de votre bail",
        "Pour " + BAILLEUR_NAME,
    ):
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text
    assert "Jérôme" not in text  # an occupant is not a party to the lease
    # Loi 89 art. 6-1 is a neighbour's notice to the landlord, not the landlord's to a tenant.
    assert "6-1" not in text


def test_one_tenant_is_addressed_in_the_singular(documents: DocumentActivities) -> None:
    single = [{"nom": "Lefèvre", "prenom": "Hélène"}]
    text = text_of(open_docx(rendered(documents, "mise_en_demeure", locataires=single)))

    assert "Vous êtes titulaire du bail" in text
    assert "N'Diaye" not in text


def test_demande_au_parquet_lists_the_household_and_its_legal_frame(
    documents: DocumentActivities,
) -> None:
    document = open_docx(rendered(documents, "demande_information_parquet"))
    text = text_of(document)

    for expected in (
        "Madame ou Monsieur le procureur de la République",
        PARQUET_NAME,
        "convention sécurité – tranquillité résidentielle",
        "pour les motifs suivants : trafic de stupéfiants, troubles de jouissance.",
        "condamnations, de poursuites en cours ou d'autres décisions",
        "article 46 de la loi n° 78-17 du 6 janvier 1978",
        "au plus tard le 4 janvier 2027",
    ):
        assert expected in text, expected
    assert table_rows(document, "Nom") == [
        ["Nom", "Prénom", "Qualité"],
        ["Lefèvre", "Hélène", "Locataire"],
        ["N'Diaye", "", "Locataire"],
        ["Lefèvre", "Jérôme", "Occupant"],
    ]


def test_offre_de_relogement_gives_one_month_to_answer(documents: DocumentActivities) -> None:
    text = text_of(open_docx(rendered(documents, "offre_relogement")))
    # The month runs from the sending (CCH L. 442-4-1), unknown when the letter is produced:
    # the letter gives no date that the step's target could make wrong.
    assert "soit au plus tard" not in text

    for expected in (
        "proposition de relogement (article L. 442-4-1 du code de la construction",
        "nous vous proposons d'être relogés dans un autre logement de notre patrimoine.",
        "Vous disposez d'un délai d'un mois à compter de l'envoi de cette lettre",
        "réduire ou supprimer le délai de deux mois",
        "☐ accepte la proposition de relogement",
        "locataire du logement LGT-0042",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("kind", LETTERS)
def test_every_letter_numbers_its_pages_and_restricts_access(
    documents: DocumentActivities, kind: str
) -> None:
    footer = open_docx(rendered(documents, kind)).sections[0].footer
    instructions = [node.text.strip() for node in footer._element.iter(qn("w:instrText"))]
    text = "\n".join(paragraph.text for paragraph in footer.paragraphs)

    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Page 1 / 1" in text
    assert "données personnelles : accès restreint" in text


@pytest.mark.parametrize("kind", LETTERS)
def test_every_letter_is_identical_when_rendered_twice(
    documents: DocumentActivities, kind: str
) -> None:
    first = rendered(documents, kind).read_bytes()
    again = rendered(documents, kind).read_bytes()

    assert first == again


def test_optional_delay_and_offered_home_appear_when_given(
    documents: DocumentActivities,
) -> None:
    notice = letter_request("mise_en_demeure")
    notice.context["delai_cessation"] = "de quinze jours"
    offer = letter_request("offre_relogement")
    offer.context["logement_propose"] = "3 allée des Érables, Évry-Courcouronnes"

    documents.render(notice)
    documents.render(offer)

    folder = documents.storage_dir / PROCEDURE_ID
    notice_text = text_of(open_docx(folder / "mise_en_demeure-mise_en_demeure.docx"))
    offer_text = text_of(open_docx(folder / "offre_relogement-offre_relogement.docx"))
    assert "au plus tard dans un délai de quinze jours." in notice_text
    assert "de notre patrimoine, situé 3 allée des Érables, Évry-Courcouronnes." in offer_text
