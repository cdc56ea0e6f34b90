"""The procedure page: visibility shared with the API, due dates and their explanation, the
forms of the steps waiting for the user's organisation, and refusals told in French."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from domain.actors import Actor
from domain.facts import StepCompletion
from domain.steps import IMPORT_SUB
from quietude.procedures import StepRefused, TemporalUnavailable
from tests.api.rows import (
    BAILLEUR,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    FakeService,
    at,
    done,
    project,
    project_kind,
    step,
)
from tests.api.web.browsing import Browser
from tests.builders import resiliation_body

A_ID = "signalement-2026-000001"
B_ID = "signalement-2026-000002"
OPENED = date(2026, 11, 23)
EXPLANATION = "2 jours ouvrés à compter du lundi 23 novembre 2026 → mercredi 25 novembre 2026"


@pytest.fixture
def procedures(engine: Engine) -> None:
    """A's procedure waits for the police of Évry; B's for the parquet."""
    waiting = step("accuse_reception", POLICE_EVRY, OPENED, due=date(2026, 11, 25))
    project(engine, A_ID, [waiting.model_copy(update={"due_explanation": EXPLANATION})])
    parquet = step("decision_parquet", PARQUET, OPENED, actor=Actor.PARQUET, due=date(2027, 1, 23))
    project(engine, B_ID, [parquet], bailleur=OTHER_BAILLEUR)


@pytest.mark.usefixtures("procedures")
async def test_another_bailleurs_procedure_is_not_found(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    own = await browser.http.get(f"/procedures/{A_ID}")
    other = await browser.http.get(f"/procedures/{B_ID}")
    assert own.status_code == 200
    assert other.status_code == 404
    assert "Procédure introuvable" in other.text
    assert "Occupation du hall" not in other.text
    listed = await browser.http.get("/procedures")
    assert A_ID in listed.text and B_ID not in listed.text


@pytest.mark.usefixtures("procedures")
async def test_the_page_shows_the_due_date_and_how_it_was_computed(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get(f"/procedures/{A_ID}")
    assert "mercredi 25 novembre 2026" in page.text
    assert EXPLANATION.replace("→", "→") in page.text
    assert "Si « Signalement reçu » : Retour d&#39;information au bailleur." in page.text
    assert "Durand" in page.text  # the bailleur sees the persons it named
    assert "/namespaces/default/workflows/" not in page.text  # the engine: admins only
    # The step waits for the police: no form for the bailleur.
    assert f'action="/procedures/{A_ID}/etapes/accuse_reception"' not in page.text


@pytest.mark.usefixtures("procedures")
async def test_a_partner_sees_the_shared_facts_and_the_form_of_its_step(browser: Browser) -> None:
    await browser.sign_in(POLICE_EVRY, "agent")
    page = await browser.http.get(f"/procedures/{A_ID}")
    assert page.status_code == 200
    assert "Durand" not in page.text
    assert "Occupation du hall B2" in page.text
    assert f'action="/procedures/{A_ID}/etapes/accuse_reception"' in page.text
    assert '<option value="recu">Signalement reçu</option>' in page.text
    # The police never had a step in B: it does not see it.
    assert (await browser.http.get(f"/procedures/{B_ID}")).status_code == 404


@pytest.mark.usefixtures("procedures")
async def test_the_answer_page_of_a_step_waiting_for_another_organisation_is_refused(
    browser: Browser,
) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get(f"/procedures/{A_ID}/etapes/accuse_reception")
    assert page.status_code == 409
    assert "n&#39;attend pas votre organisation" in page.text


@pytest.mark.usefixtures("procedures")
async def test_completing_a_step_calls_the_workflow_then_goes_back_to_what_waits(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(POLICE_EVRY, "agent")
    form = {"outcome": "recu", "date": "2026-11-24", "comment": "Vu", "depuis": "reponse"}
    done = await browser.submit(f"/procedures/{A_ID}/etapes/accuse_reception", form)
    assert done.status_code == 303
    assert done.headers["location"] == f"/corbeille?fait=etape&procedure={A_ID}"
    name, (caller, procedure_id, key, completion) = service.calls[-1]
    assert (name, caller.org, procedure_id, key) == (
        "complete_step",
        POLICE_EVRY,
        A_ID,
        "accuse_reception",
    )
    assert completion == StepCompletion(outcome="recu", date=date(2026, 11, 24), comment="Vu")
    page = await browser.http.get(done.headers["location"])
    assert "L&#39;étape est enregistrée." in page.text
    assert f'<a href="/procedures/{A_ID}">Voir la procédure {A_ID}</a>' in page.text
    assert '<a href="/corbeille" aria-current="page">À traiter</a>' in page.text


@pytest.mark.usefixtures("procedures")
async def test_a_step_completed_on_the_procedure_page_shows_the_procedure_again(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(POLICE_EVRY, "agent")
    form = {"outcome": "recu", "date": "2026-11-24", "depuis": "procedure"}
    done = await browser.submit(f"/procedures/{A_ID}/etapes/accuse_reception", form)
    assert done.headers["location"] == f"/procedures/{A_ID}?fait=etape#etapes"


@pytest.mark.usefixtures("procedures")
async def test_the_answer_page_falls_under_what_waits_in_the_menu(browser: Browser) -> None:
    await browser.sign_in(POLICE_EVRY, "agent")
    page = await browser.http.get(f"/procedures/{A_ID}/etapes/accuse_reception")
    assert '<a href="/corbeille" aria-current="page">À traiter</a>' in page.text
    assert 'aria-current="page">Procédures' not in page.text
    assert '<a href="/corbeille">À traiter</a> ›' in page.text


@pytest.mark.usefixtures("procedures")
async def test_a_step_form_without_csrf_token_is_refused(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(POLICE_EVRY, "agent")
    form = {"outcome": "recu", "date": "2026-11-24"}
    refused = await browser.http.post(f"/procedures/{A_ID}/etapes/accuse_reception", data=form)
    assert refused.status_code == 403
    assert service.calls == []


@pytest.mark.usefixtures("procedures")
async def test_missing_outcome_data_is_shown_beside_its_field_and_input_kept(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(OTHER_BAILLEUR)
    await browser.sign_in(PARQUET, "juriste")
    form = {"outcome": "classement", "date": "2027-01-05", "depuis": "reponse"}
    form["comment"] = "Examen fait"
    page = await browser.submit(f"/procedures/{B_ID}/etapes/decision_parquet", form)
    assert page.status_code == 422
    assert 'id="f-decision-parquet-data-motif-erreur"' in page.text
    assert "Requis pour « Classement sans suite »." in page.text
    assert "f-decision-parquet-data-motif-aide f-decision-parquet-data-motif-erreur" in page.text
    assert ">Examen fait</textarea>" in page.text
    assert '<option value="classement" selected>' in page.text
    assert service.calls == []


@pytest.mark.usefixtures("procedures")
async def test_outcome_data_is_checked_with_its_model_and_told_beside_its_field(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(PARQUET, "juriste")
    token = await browser.form_token(f"/procedures/{B_ID}/etapes/decision_parquet")
    form = {
        "csrf": token,
        "outcome": "classement",
        "date": "2027-01-05",
        "depuis": "reponse",
        "data.motif": "x" * 2001,
    }
    page = await browser.http.post(f"/procedures/{B_ID}/etapes/decision_parquet", data=form)
    assert page.status_code == 422
    # The words of the API for the same value (domain.validation_messages).
    assert (
        'id="f-decision-parquet-data-motif-erreur"><span class="visually-hidden">Erreur : </span>'
        "Trop long (au plus 2000 caractères)"
    ) in page.text
    assert service.calls == []


@pytest.mark.usefixtures("procedures")
async def test_data_typed_for_another_outcome_is_left_out(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(PARQUET, "juriste")
    token = await browser.form_token(f"/procedures/{B_ID}/etapes/decision_parquet")
    form = {"csrf": token, "outcome": "poursuites", "date": "2027-01-05", "data.motif": "Vu"}
    done = await browser.http.post(f"/procedures/{B_ID}/etapes/decision_parquet", data=form)
    assert done.status_code == 303, done.text
    completion = service.calls[-1][1][3]
    assert completion == StepCompletion(outcome="poursuites", date=date(2027, 1, 5))


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (
            StepRefused("WrongOrganisation", "Cette étape incombe à une autre organisation."),
            403,
            "Cette étape incombe à une autre organisation.",
        ),
        (StepRefused("StepNotPending", "Étape déjà accomplie."), 409, "Étape déjà accomplie."),
        (
            StepRefused("InvalidData", "La date saisie est dans le futur."),
            422,
            "La date saisie est dans le futur.",
        ),
        (TemporalUnavailable(), 503, "momentanément injoignable"),
    ],
)
@pytest.mark.usefixtures("procedures")
async def test_refusals_of_the_workflow_are_told_in_french_on_the_page(
    browser: Browser, service: FakeService, error: Exception, status: int, message: str
) -> None:
    service.error = error
    await browser.sign_in(POLICE_EVRY, "agent")
    form = {"outcome": "recu", "date": "2026-11-24", "depuis": "procedure"}
    page = await browser.submit(
        f"/procedures/{A_ID}/etapes/accuse_reception", form, f"/procedures/{A_ID}"
    )
    assert page.status_code == status
    assert message in page.text.replace("&#39;", "'")
    assert "L&#39;étape n&#39;a pas été enregistrée" in page.text
    assert 'value="2026-11-24"' in page.text
    assert "Traceback" not in page.text


@pytest.mark.usefixtures("procedures")
async def test_files_of_another_bailleurs_procedure_are_not_served(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    document = await browser.http.get(f"/fichiers/documents/{B_ID}:fiche_signalement")
    dossier = await browser.http.get(f"/procedures/{B_ID}/dossier.zip")
    assert (document.status_code, dossier.status_code) == (404, 404)


@pytest.mark.usefixtures("procedures")
async def test_a_bailleurs_agent_sees_the_progress_but_not_the_names_nor_the_files(
    browser: Browser,
) -> None:
    await browser.sign_in(BAILLEUR, "agent")
    page = await browser.http.get(f"/procedures/{A_ID}")
    assert page.status_code == 200
    assert "mercredi 25 novembre 2026" in page.text
    assert "Durand" not in page.text
    assert "Documents et pièces" not in page.text
    assert (await browser.http.get(f"/procedures/{A_ID}/dossier.zip")).status_code == 403


@pytest.mark.usefixtures("procedures")
async def test_an_exhibit_is_uploaded_from_the_page(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    token = await browser.form_token(f"/procedures/{A_ID}")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    files = {"file": ("constat.pdf", pdf, "application/pdf")}
    form = {"csrf": token, "title": "Constat du gardien", "kind": "constat"}
    added = await browser.http.post(f"/procedures/{A_ID}/pieces", data=form, files=files)
    assert added.status_code == 303, added.text
    page = await browser.http.get(added.headers["location"])
    assert "Constat du gardien" in page.text
    assert "La pièce est versée au dossier." in page.text
    piece_link = page.text.split('href="/fichiers/pieces/')[1].split('"')[0]
    download = await browser.http.get(f"/fichiers/pieces/{piece_link}")
    assert download.content == pdf


@pytest.mark.usefixtures("procedures")
async def test_a_refused_exhibit_is_told_beside_the_file_field(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    token = await browser.form_token(f"/procedures/{A_ID}")
    files = {"file": ("notes.txt", b"just text", "text/plain")}
    form = {"csrf": token, "title": "Notes", "kind": "autre"}
    refused = await browser.http.post(f"/procedures/{A_ID}/pieces", data=form, files=files)
    assert refused.status_code == 415
    assert 'id="f-piece-file-erreur"' in refused.text
    assert "Type de fichier refusé" in refused.text
    assert 'value="Notes"' in refused.text


async def test_imported_steps_show_their_own_dates_in_the_order_of_the_procedure(
    engine: Engine, browser: Browser
) -> None:
    imported_on = date(2026, 12, 3)
    acts = [  # as an import records them: the constitution's date unknown, bounded by the next
        ("constitution_dossier", "Constitution du dossier", None),
        ("mise_en_demeure", "Mise en demeure du locataire", date(2026, 1, 12)),
        ("assignation", "Assignation", date(2026, 3, 9)),
    ]
    steps = [
        done(
            key, BAILLEUR, on or date(2026, 1, 12), on or date(2026, 1, 12), label=label
        ).model_copy(
            update={
                "completed_on": on,
                "done_by": date(2026, 1, 12) if on is None else None,
                "completed_by": IMPORT_SUB,
                "completed_at": at(imported_on),
                "opened_at": at(imported_on),
                "position": position,
            }
        )
        for position, (key, label, on) in enumerate(acts, 1)
    ]
    project_kind(engine, "resiliation-2026-000301", steps, facts=resiliation_body())
    await browser.sign_in(BAILLEUR)

    page = (await browser.http.get("/procedures/resiliation-2026-000301")).text

    done_table = page[page.index("Étapes accomplies") :]
    rows = [done_table.index(label) for _, label, _ in acts]
    assert rows == sorted(rows)  # not alphabetical: the constitution, then the acts
    assert "date inconnue" in done_table
    assert "12 janvier 2026" in done_table and "9 mars 2026" in done_table
    assert "3 décembre 2026" not in done_table  # the day of the import is nobody's act
