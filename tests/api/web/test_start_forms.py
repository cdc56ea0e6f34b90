"""The forms opening a procedure: validated with the API's models, errors beside their fields,
what was typed kept; the service called with the same body the API would get."""

from __future__ import annotations

from datetime import date

from domain.procedures.resiliation_facts import ResiliationFacts
from quietude.procedures import StartRefused
from tests.api.rows import BAILLEUR, POLICE_EVRY, FakeService
from tests.api.web.browsing import Browser
from tests.builders import resiliation_body

NEW_RESILIATION = "/procedures/nouvelle/resiliation"
RESILIATION_FORM = {
    "logement.residence.nom": "Résidence des Tilleuls",
    "logement.residence.adresse": "12 rue des Lilas",
    "logement.residence.commune_insee": "91228",
    "logement.residence.batiment": "C",
    "logement.residence.hall": "3",
    "logement.reference": "LGT-0042",
    "bail.reference": "B-2019-0042",
    "bail.date_effet": "2019-05-01",
    "locataires.0.nom": "",
    "locataires.0.prenom": "",
    "locataires.1.nom": "Quiétudetest",
    "locataires.1.prenom": "Zéphyrin",
    "motifs": "trafic_stupefiants",
    "origine": "bailleur",
    "injonction.date": "",
    "liens": "",
}


async def test_a_valid_form_starts_the_procedure_with_the_apis_body(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(BAILLEUR)
    started = await browser.submit(NEW_RESILIATION, RESILIATION_FORM)
    assert started.status_code == 303, started.text
    assert started.headers["location"] == f"/procedures/{service.next_id}?fait=ouverte"
    name, (caller, body) = service.calls[-1]
    assert (name, caller.org) == ("start", BAILLEUR)
    # The empty first row of tenants is left out: the body is the README's, field for field.
    assert body == ResiliationFacts.model_validate(resiliation_body())


async def test_errors_are_shown_beside_each_field_and_the_input_is_kept(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(BAILLEUR)
    typed = {
        **RESILIATION_FORM,
        "bail.reference": "",
        "bail.date_effet": "2019-02-30",
        "locataires.1.nom": "",
        "locataires.2.prenom": "Zoé",
        "motifs": "",
    }
    page = await browser.submit(NEW_RESILIATION, typed)
    assert page.status_code == 422
    assert service.calls == []
    text = page.text
    assert "<title>Erreur : Nouvelle résiliation de bail — Quiétude</title>" in text
    for field, message in (
        ("bail-reference", "Champ requis"),
        ("bail-date-effet", "Date invalide (format attendu AAAA-MM-JJ)"),
        ("locataires-2-nom", "Champ requis"),  # the row where a first name was typed
        ("locataires-1-nom", "Champ requis"),
        ("motifs", "Cocher au moins un motif."),
    ):
        assert (
            f'id="f-{field}-erreur"><span class="visually-hidden">Erreur : </span>{message}' in text
        )
    assert 'aria-describedby="f-bail-reference-erreur" aria-invalid="true"' in text
    assert '<a href="#f-bail-date-effet">' in text
    assert 'name="logement.reference" value="LGT-0042"' in text
    assert 'name="locataires.2.prenom" value="Zoé"' in text
    assert '<option value="91228" selected>' in text


async def test_a_rule_of_the_model_is_told_above_the_form(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.submit(
        NEW_RESILIATION, {**RESILIATION_FORM, "injonction.date": "2026-01-10"}
    )
    assert page.status_code == 422
    assert "injonction du préfet (injonction.date) accompagne l&#39;origine" in page.text


async def test_a_refusal_of_the_service_is_told_with_the_input_kept(
    browser: Browser, service: FakeService
) -> None:
    service.error = StartRefused(
        "Commune inconnue : 91999 (code INSEE d'une commune de l'Essonne attendu)."
    )
    await browser.sign_in(BAILLEUR)
    page = await browser.submit(NEW_RESILIATION, RESILIATION_FORM)
    assert page.status_code == 422
    assert "Commune inconnue : 91999" in page.text
    assert 'name="bail.reference" value="B-2019-0042"' in page.text


async def test_the_signalement_and_plainte_forms_take_paris_time(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(BAILLEUR)
    form = {
        "plaignant.type": "bailleur",
        "residence.nom": "Résidence des Tilleuls",
        "residence.adresse": "12 rue des Lilas",
        "residence.commune_insee": "91228",
        "faits.categorie": "degradations",
        "faits.le": "2026-08-30T23:00",
        "faits.qualification": "delit",
        "faits.description": "Portes du hall A1 fracturées.",
        "canal": "commissariat",
        "mis_en_cause.0.nom": "Martin",
        "mis_en_cause.0.locataire": "on",
    }
    started = await browser.submit("/procedures/nouvelle/plainte", form)
    assert started.status_code == 303, started.text
    body = service.calls[-1][1][1]
    assert body.faits.le.isoformat() == "2026-08-30T23:00:00+02:00"
    assert body.mis_en_cause[0].locataire is True
    assert body.faits.le.date() == date(2026, 8, 30)


async def test_only_a_bailleur_opens_a_procedure(browser: Browser) -> None:
    await browser.sign_in(POLICE_EVRY, "agent")
    page = await browser.http.get("/procedures/nouvelle/resiliation")
    assert page.status_code == 403
    assert "Seule une organisation bailleur" in page.text


async def test_the_communes_are_grouped_by_departement_paris_by_arrondissement(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get(NEW_RESILIATION)
    assert page.status_code == 200
    text = page.text
    for group in ("Paris (75)", "Essonne (91)", "Seine-Saint-Denis (93)", "Val-d&#39;Oise (95)"):
        assert f'<optgroup label="{group}">' in text
    assert '<option value="75110">Paris 10e Arrondissement</option>' in text
    assert 'value="75056"' not in text  # Paris itself: a dossier names its arrondissement
    assert text.index('<optgroup label="Essonne (91)">') < text.index('value="91228"')
