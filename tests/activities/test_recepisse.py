"""The récépissé de dépôt de plainte rendered by the render_document activity as the plainte's
workflow requests it: filing data, complainant, facts, persons implicated and rights."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from activities.documents import DocumentActivities
from domain.contracts import DocumentRequest
from domain.procedures.plainte import PlainteFacts, prescription
from tests.builders import BAILLEUR, EVRY, POLICE_EVRY, plainte_body
from tests.docx_text import open_docx, table_rows, text_of

PROCEDURE_ID = "plainte-2026-000012"
KIND = "recepisse_depot_plainte"
BAILLEUR_NAME = "Démo — Habitat Essonne (bailleur fictif)"
AGENT = {"type": "agent_victime", "nom": "Lefèvre", "prenom": "Hélène"}
MIS_EN_CAUSE = [
    {"nom": "N'Diaye", "prenom": "Jérôme", "locataire": True},
    {"nom": "Öztürk", "locataire": False},
]
FAITS: dict[str, Any] = {
    "categorie": "agression_personnel",
    "le": "2026-11-20T22:30:00+01:00",
    "qualification": "delit",
    "trafic_stupefiants": True,
    "description": "Gardienne menacée dans le hall B2.\nInsultes « répétées » <tard> & crachats.",
}


def recepisse_request(*, with_prescription: bool = True, **overrides: Any) -> DocumentRequest:
    """The request the plainte's workflow sends once the filing is recorded."""
    body = plainte_body(faits=FAITS, mis_en_cause=MIS_EN_CAUSE)
    body["residence"].update(
        nom="Résidence des Érables", adresse="3 allée de l'Église", batiment="B", hall="2"
    )
    body.update(overrides)
    facts = PlainteFacts.model_validate(body)
    context: dict[str, Any] = {
        "procedure_id": PROCEDURE_ID,
        "date_document": "2026-11-24",
        "facts": facts.model_dump(mode="json"),
        "depot": {"date": "2026-11-24", "numero_procedure": "2026/004512 — Évry"},
    }
    if with_prescription:
        day, rule = prescription(
            facts.faits.le, facts.faits.qualification.value, facts.faits.trafic_stupefiants
        )
        context["prescription"] = {"date": day.isoformat(), "regle": rule}
    return DocumentRequest(
        procedure_id=PROCEDURE_ID,
        kind=KIND,
        step_key="depot_plainte",
        context=context,
        org_refs={"bailleur": BAILLEUR, "service": POLICE_EVRY},
        commune_insee=EVRY,
    )


def rendered(documents: DocumentActivities, request: DocumentRequest) -> DocumentObject:
    """Render the récépissé and open the stored file."""
    ref = documents.render(request)
    assert ref.filename == f"{PROCEDURE_ID}-{KIND}-depot_plainte.docx"
    return open_docx(documents.storage_dir / PROCEDURE_ID / f"{KIND}-depot_plainte.docx")


def service_name(documents: DocumentActivities) -> str:
    """The name the read model gives the unit of Évry."""
    return str(documents.resolve_context(recepisse_request())["service"])


def test_recepisse_records_the_filing_the_place_and_the_facts(
    documents: DocumentActivities,
) -> None:
    text = text_of(rendered(documents, recepisse_request()))

    for expected in (
        "Récépissé de dépôt de plainte — données d'enregistrement",
        "Procédure Quiétude | n° plainte-2026-000012",
        "N° de procédure du service | 2026/004512 — Évry",
        "Date du dépôt | 24 novembre 2026",
        "Service ayant enregistré la plainte | " + service_name(documents),
        "Mode de dépôt | Commissariat de police",
        "Bailleur | " + BAILLEUR_NAME,
        "Résidence | Résidence des Érables",
        "Adresse | 3 allée de l'Église",
        "Commune | Évry-Courcouronnes (code INSEE 91228)",
        "Bâtiment | B",
        "Hall | 2",
        "Catégorie | Agression du personnel",
        "Date et heure des faits | 20 novembre 2026 à 22 h 30",
        "Qualification | Délit",
        "Trafic de stupéfiants | oui",
        "Gardienne menacée dans le hall B2.\nInsultes « répétées » <tard> & crachats.",
    ):
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text
    assert service_name(documents) != POLICE_EVRY  # the unit's name, not its id


def test_the_bailleur_files_as_a_legal_person(documents: DocumentActivities) -> None:
    text = text_of(rendered(documents, recepisse_request()))

    assert "Plaignant | " + BAILLEUR_NAME in text
    assert "Qualité | Personne morale (le bailleur, pour son propre préjudice)" in text
    assert "Agent du bailleur victime des faits" not in text
    assert "40-4-1" not in text


def test_an_agent_domiciled_at_the_employer_says_so(documents: DocumentActivities) -> None:
    request = recepisse_request(plaignant={**AGENT, "adresse_employeur": True})
    text = text_of(rendered(documents, request))

    for expected in (
        "Qualité | Agent du bailleur victime des faits, avec le soutien de son employeur",
        "Nom | Lefèvre",
        "Prénom | Hélène",
        "Employeur | " + BAILLEUR_NAME,
        "Adresse déclarée | Domiciliation chez l'employeur (art. 40-4-1 CPP)",
    ):
        assert expected in text, expected
    assert "Personne morale" not in text


def test_an_agent_with_a_personal_address_is_not_domiciled_at_the_employer(
    documents: DocumentActivities,
) -> None:
    text = text_of(rendered(documents, recepisse_request(plaignant=AGENT)))

    assert "Adresse déclarée | Adresse personnelle, déclarée au service enquêteur" in text
    assert "Domiciliation chez l'employeur" not in text


def test_persons_implicated_are_listed_in_a_table(documents: DocumentActivities) -> None:
    document = rendered(documents, recepisse_request())

    assert table_rows(document, "Nom", "Prénom", "Locataire") == [
        ["Nom", "Prénom", "Locataire"],
        ["N'Diaye", "Jérôme", "oui"],
        ["Öztürk", "", "non"],
    ]


def test_without_persons_implicated_there_is_no_such_section(
    documents: DocumentActivities,
) -> None:
    document = rendered(documents, recepisse_request(mis_en_cause=[]))

    assert "Personnes mises en cause" not in text_of(document)
    with pytest.raises(AssertionError):
        table_rows(document, "Nom", "Prénom", "Locataire")


def test_the_rights_state_prescription_partie_civile_information_and_recours(
    documents: DocumentActivities,
) -> None:
    text = text_of(rendered(documents, recepisse_request()))

    for expected in (
        "Vos droits",
        "Délai de prescription de l'action publique\u00a0: 20 ans à compter des faits "
        "(art. 706-26 CPP).",
        "l'action publique sera prescrite à l'expiration du 20 novembre 2046.",
        "(art. 7 à 9 et 706-26 CPP)",
        "trois mois se seront écoulés depuis le dépôt de votre plainte devant le procureur",
        "qu'il n'engagera pas lui-même de poursuites (art. 85 CPP).",
        "adressez au procureur de la République une copie de la présente plainte",
        "ou du classement sans suite de la procédure et de ses motifs (art. 40-2 CPP).",
        "recours auprès du procureur général près la cour d'appel\u00a0; ce recours n'est enfermé "
        "dans aucun délai (art. 40-3 CPP).",
    ):
        assert expected in text, expected
    assert "Pour un crime" not in text


def test_a_letter_to_the_procureur_needs_no_copy_to_him(documents: DocumentActivities) -> None:
    text = text_of(rendered(documents, recepisse_request(canal="courrier_procureur")))

    assert "Mode de dépôt | Courrier au procureur de la République" in text
    assert "adressez au procureur de la République une copie" not in text


@pytest.mark.parametrize(
    ("canal", "wording"),
    [("brigade", "Brigade de gendarmerie"), ("en_ligne", "En ligne (art. 15-3-1 CPP)")],
)
def test_the_channel_is_written_in_french(
    documents: DocumentActivities, canal: str, wording: str
) -> None:
    text = text_of(rendered(documents, recepisse_request(canal=canal)))

    assert f"Mode de dépôt | {wording}" in text


@pytest.mark.parametrize("qualification", ["contravention", "delit", "crime"])
@pytest.mark.parametrize("trafic", [False, True])
def test_without_a_computed_prescription_the_template_applies_the_same_rule(
    documents: DocumentActivities, qualification: str, trafic: bool
) -> None:
    faits = {**FAITS, "qualification": qualification, "trafic_stupefiants": trafic}
    request = recepisse_request(with_prescription=False, faits=faits)
    text = text_of(rendered(documents, request))
    _, rule = prescription(datetime.fromisoformat(FAITS["le"]), qualification, trafic)

    assert f"Délai de prescription de l'action publique\u00a0: {rule}." in text
    assert "sera prescrite à l'expiration du" not in text
    assert ("Pour un crime, la constitution de partie civile" in text) == (qualification == "crime")


def test_footer_numbers_the_pages_and_restricts_access(documents: DocumentActivities) -> None:
    footer = rendered(documents, recepisse_request()).sections[0].footer
    instructions = [node.text.strip() for node in footer._element.iter(qn("w:instrText"))]
    text = "\n".join(paragraph.text for paragraph in footer.paragraphs)

    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Page 1 / 1" in text
    assert "données personnelles : accès restreint" in text


def test_rendering_twice_gives_identical_bytes(documents: DocumentActivities) -> None:
    path = documents.storage_dir / PROCEDURE_ID / f"{KIND}-depot_plainte.docx"
    documents.render(recepisse_request())
    first = path.read_bytes()
    documents.render(recepisse_request())

    assert path.read_bytes() == first
