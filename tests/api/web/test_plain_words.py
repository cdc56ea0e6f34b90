"""What the pages say in words rather than codes: titles from the labels of the categories,
communes by name, documents by what they are, names sorted as people sort them, refusals at
their input, a page for an unknown address, the engine's console for admins only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from domain.actors import Actor
from domain.labels import collation_key
from quietude.procedures import StartRefused
from store.db import session_scope
from store.tables import Document, Event
from tests.api.rows import BAILLEUR, PARQUET, POLICE_EVRY, FakeService, project, step
from tests.api.web.browsing import Browser
from tests.api.web.test_start_forms import NEW_RESILIATION, RESILIATION_FORM

A_ID = "signalement-2026-000001"
B_ID = "signalement-2026-000002"
OPENED = date(2026, 11, 23)


@pytest.fixture
def procedures(engine: Engine) -> None:
    """A, titled with a raw code as earlier versions did, with a letter produced; B waits for
    the parquet, with the letter addressed to it."""
    waiting = step("accuse_reception", POLICE_EVRY, OPENED, due=date(2026, 11, 25))
    project(engine, A_ID, [waiting], title="Signalement — trafic stupefiants")
    parquet = step("decision_parquet", PARQUET, OPENED, actor=Actor.PARQUET, due=date(2027, 1, 23))
    project(engine, B_ID, [parquet])
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    with session_scope(engine) as session:
        session.add(
            Event(
                procedure_id=A_ID,
                seq=50,
                at=at,
                type="document_generated",
                message="Document produit : fiche_signalement-signalement-2026-000001.docx",
                data={"document_id": "doc-a", "kind": "fiche_signalement"},
            )
        )
        session.add(
            Document(
                id="doc-b",
                procedure_id=B_ID,
                kind="demande_information_parquet",
                filename="demande_information_parquet-b.docx",
                sha256="0" * 64,
                path="/nonexistent",
                size=10,
                created_at=at,
            )
        )


@pytest.mark.usefixtures("procedures")
async def test_a_title_stored_with_a_raw_code_reads_in_french(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get(f"/procedures/{A_ID}")
    listed = await browser.http.get("/procedures")
    for html in (page.text, listed.text):
        assert "Signalement — trafic de stupéfiants" in html
        assert "trafic stupefiants" not in html
    await browser.sign_in(POLICE_EVRY, "agent")
    answer = await browser.http.get(f"/procedures/{A_ID}/etapes/accuse_reception")
    assert "Signalement — trafic de stupéfiants" in answer.text


@pytest.mark.usefixtures("procedures")
async def test_the_facts_name_the_commune_and_the_chronology_the_document(
    browser: Browser,
) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get(f"/procedures/{A_ID}")
    facts = page.text.split('id="faits"')[1].split("</section>")[0]
    assert "Évry-Courcouronnes" in facts and "91228" not in facts
    assert "Document produit : Fiche de signalement" in page.text
    assert "fiche_signalement-signalement" not in page.text


async def test_an_outcome_opening_nothing_is_said_plainly(browser: Browser, engine: Engine) -> None:
    project(engine, A_ID, [step("cloture", BAILLEUR, OPENED, actor=Actor.BAILLEUR)])
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get(f"/procedures/{A_ID}")
    assert "n'ouvre pas d'autre étape" in page.text
    assert "branche" not in page.text


@pytest.mark.usefixtures("procedures")
async def test_the_answer_page_shows_the_facts_and_the_letter_before_the_form(
    browser: Browser,
) -> None:
    await browser.sign_in(PARQUET, "juriste")
    page = await browser.http.get(f"/procedures/{B_ID}/etapes/decision_parquet")
    assert page.status_code == 200
    text = page.text
    assert text.index("Faits transmis") < text.index("Votre réponse")
    joined = text.split("Documents joints")[1].split("</section>")[0]
    assert "Demande d&#39;information au parquet" in joined
    assert text.index("Documents joints") < text.index("Votre réponse")


@pytest.mark.usefixtures("procedures")
async def test_the_temporal_console_is_linked_for_admins_only(browser: Browser) -> None:
    for org, role in ((BAILLEUR, "juriste"), (POLICE_EVRY, "agent"), (PARQUET, "manager")):
        await browser.sign_in(org, role)
        page = await browser.http.get(f"/procedures/{A_ID}")
        if page.status_code == 200:
            assert "interface de Temporal" not in page.text, (org, role)
    await browser.sign_in(BAILLEUR, "admin")
    page = await browser.http.get(f"/procedures/{A_ID}")
    assert f"/namespaces/default/workflows/{A_ID}" in page.text


def test_names_sort_with_their_accents_set_aside() -> None:
    names = ["Wissous", "Évry-Courcouronnes", "Égly", "Étampes", "Épinay-sur-Orge", "Fontenay"]
    assert sorted(names, key=collation_key) == [
        "Égly",
        "Épinay-sur-Orge",
        "Étampes",
        "Évry-Courcouronnes",
        "Fontenay",
        "Wissous",
    ]


def test_ligatures_sort_as_the_letters_they_join() -> None:
    names = ["Offranville", "Œuilly", "Odos", "Caffiers", "Cæsar", "Cachan"]
    assert sorted(names, key=collation_key) == [
        "Cachan",
        "Cæsar",
        "Caffiers",
        "Odos",
        "Œuilly",
        "Offranville",
    ]


async def test_the_communes_of_a_start_form_are_in_alphabetical_order(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    page = (await browser.http.get(NEW_RESILIATION)).text
    assert page.index(">Égly<") < page.index(">Étampes<") < page.index(">Évry-Courcouronnes<")
    assert page.index(">Évry-Courcouronnes<") < page.index(">Fontenay-lès-Briis<")
    assert page.index(">Fontenay-lès-Briis<") < page.index(">Wissous<")


async def test_an_unknown_commune_is_told_at_its_input(
    browser: Browser, service: FakeService
) -> None:
    field = "logement.residence.commune_insee"
    service.error = StartRefused("Commune inconnue : 91999.", field)
    await browser.sign_in(BAILLEUR)
    page = await browser.submit(NEW_RESILIATION, RESILIATION_FORM)
    assert page.status_code == 422
    assert 'id="f-logement-residence-commune-insee-erreur"' in page.text
    summary = '<a href="#f-logement-residence-commune-insee">Commune</a> : Commune inconnue'
    assert summary in page.text


async def test_an_unknown_page_is_the_404_page_and_the_api_keeps_json(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get("/nulle-part")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page introuvable" in page.text
    api = await browser.http.get("/api/nulle-part")
    assert api.status_code == 404
    assert api.json() == {"detail": "Ressource introuvable."}


async def test_the_register_offers_to_start_an_assermentation(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get("/assermentations")
    link = '<a class="button" href="/procedures/nouvelle/assermentation">'
    assert link + "Demander l'assermentation d'un agent</a>" in page.text
