"""Every kind of the registry opens from « Nouvelle procédure », its form built from its
definition: the assermentation and the joint intervention as the three others, the service
called with the body the API would get, errors beside their fields and named by their labels."""

from __future__ import annotations

import pytest

from domain.facts import StartFacts
from domain.procedures import DEFINITIONS, find
from domain.procedures.assermentation import AssermentationFacts
from domain.procedures.intervention_conjointe import InterventionFacts
from tests.api.rows import BAILLEUR, FakeService
from tests.api.web.browsing import Browser
from tests.builders import assermentation_body, intervention_body

RESIDENCE = {
    "nom": "Résidence des Tilleuls",
    "adresse": "12 rue des Lilas",
    "commune_insee": "91228",
    "batiment": "",
    "hall": "",
}
BLANK_RESIDENCE = dict.fromkeys(RESIDENCE, "")
ASSERMENTATION_FORM = {
    "agent.nom": "Quiétudetest",
    "agent.prenom": "Zéphyrin",
    "agent.poste": "gardien",
    "route": "garde_particulier",
    **{f"residences.0.{name}": value for name, value in RESIDENCE.items()},
    **{f"residences.1.{name}": value for name, value in BLANK_RESIDENCE.items()},
    "infractions": "R. 635-1",
}
INTERVENTION_FORM = {
    **{f"residence.{name}": value for name, value in RESIDENCE.items()},
    "halls": "B2",
    "objectifs": "Rétablir la tranquillité du hall B2.",
    "proposant": "bailleur",
}


async def post_form(browser: Browser, kind: str, form: dict[str, str]) -> str:
    """Sign in as the bailleur and send the start form of `kind`; the page answered."""
    await browser.sign_in(BAILLEUR)
    token = await browser.form_token(f"/procedures/nouvelle/{kind}")
    page = await browser.http.post(f"/procedures/nouvelle/{kind}", data={**form, "csrf": token})
    assert page.status_code == 422, page.text
    return page.text


def beside(field: str, message: str) -> str:
    """The error message shown under the input whose id is f-`field`."""
    return f'id="f-{field}-erreur"><span class="visually-hidden">Erreur : </span>{message}'


async def test_new_procedure_lists_every_kind_of_the_registry(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get("/procedures/nouvelle")
    assert page.status_code == 200
    text = page.text.replace("&#39;", "'")
    for kind, definition in DEFINITIONS.items():
        assert f'<a href="/procedures/nouvelle/{kind.value}">{definition.label}</a>' in text
        assert definition.wording.summary in text


@pytest.mark.parametrize("kind", [kind.value for kind in DEFINITIONS])
async def test_each_kinds_form_is_drawn_from_its_definition(browser: Browser, kind: str) -> None:
    definition = find(kind)
    assert definition is not None
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get(f"/procedures/nouvelle/{kind}")
    assert page.status_code == 200
    text = page.text.replace("&#39;", "'")
    assert f"<h1>{definition.wording.title}</h1>" in text
    assert f">{definition.wording.submit}</button>" in text
    for name, field in definition.facts.model_fields.items():
        drawn = name not in definition.wording.untyped and name not in StartFacts.model_fields
        assert (f'id="f-{name.replace("_", "-")}"' in text) is drawn, name
        if drawn:
            assert str(field.title) in text, name


async def test_an_unknown_kind_has_no_form(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    page = await browser.http.get("/procedures/nouvelle/mediation")
    assert page.status_code == 404
    assert "Type de procédure inconnu." in page.text


async def test_an_assermentation_starts_from_the_pages_with_the_apis_body(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(BAILLEUR)
    token = await browser.form_token("/procedures/nouvelle/assermentation")
    started = await browser.http.post(
        "/procedures/nouvelle/assermentation", data={**ASSERMENTATION_FORM, "csrf": token}
    )
    assert started.status_code == 303, started.text
    assert started.headers["location"] == f"/procedures/{service.next_id}?fait=ouverte"
    name, (caller, body) = service.calls[-1]
    assert (name, caller.org) == ("start", BAILLEUR)
    # The blank second résidence is left out; the offences are split on commas.
    assert body == AssermentationFacts.model_validate(assermentation_body())


async def test_several_offences_are_typed_in_one_input(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(BAILLEUR)
    token = await browser.form_token("/procedures/nouvelle/assermentation")
    form = {
        **ASSERMENTATION_FORM,
        "csrf": token,
        "route": "service_interne_securite",
        "infractions": "R. 632-1 ; R. 635-1, ",
        "nouveau_serment_au_renouvellement": "on",
    }
    started = await browser.http.post("/procedures/nouvelle/assermentation", data=form)
    assert started.status_code == 303, started.text
    body = service.calls[-1][1][1]
    assert body.infractions == ["R. 632-1", "R. 635-1"]
    assert body.nouveau_serment_au_renouvellement is True


async def test_an_assermentations_errors_are_shown_beside_their_inputs(
    browser: Browser, service: FakeService
) -> None:
    typed = {
        **ASSERMENTATION_FORM,
        "agent.nom": "",
        **{f"residences.0.{name}": "" for name in RESIDENCE},
        "residences.1.nom": "Résidence des Cèdres",
        "infractions": " ; ",
    }
    text = await post_form(browser, "assermentation", typed)
    assert service.calls == []
    assert "<title>Erreur : Nouvelle assermentation — Quiétude</title>" in text
    assert beside("agent-nom", "Champ requis") in text
    assert beside("residences-1-adresse", "Champ requis") in text
    assert beside("residences-1-commune-insee", "Champ requis") in text
    assert beside("infractions", "Indiquer au moins une infraction.") in text
    # The summary names each input as its label does.
    assert '<a href="#f-agent-nom">Nom</a> : Champ requis' in text
    assert '<a href="#f-residences-1-adresse">Adresse (résidence 2)</a> : Champ requis' in text
    assert 'name="residences.1.nom" value="Résidence des Cèdres"' in text
    assert 'name="infractions" value=" ; "' not in text  # what was typed, trimmed
    assert 'name="infractions" value=";"' in text


async def test_no_residence_at_all_is_told_beside_the_list(
    browser: Browser, service: FakeService
) -> None:
    typed = {**ASSERMENTATION_FORM, **{f"residences.0.{name}": "" for name in RESIDENCE}}
    text = await post_form(browser, "assermentation", typed)
    assert beside("residences", "Indiquer au moins une résidence (nom, adresse, commune).") in text
    assert service.calls == []


async def test_an_offence_outside_the_internal_services_is_told_above_the_form(
    browser: Browser, service: FakeService
) -> None:
    typed = {**ASSERMENTATION_FORM, "route": "service_interne_securite", "infractions": "R. 625-1"}
    text = await post_form(browser, "assermentation", typed)
    assert "ne constate que les contraventions R. 631-1" in text
    assert "R. 625-1 refusée(s)" in text
    assert service.calls == []


async def test_a_joint_intervention_starts_from_the_pages_with_the_apis_body(
    browser: Browser, service: FakeService
) -> None:
    await browser.sign_in(BAILLEUR)
    token = await browser.form_token("/procedures/nouvelle/intervention_conjointe")
    started = await browser.http.post(
        "/procedures/nouvelle/intervention_conjointe", data={**INTERVENTION_FORM, "csrf": token}
    )
    assert started.status_code == 303, started.text
    name, (caller, body) = service.calls[-1]
    assert (name, caller.org) == ("start", BAILLEUR)
    # The diagnostic is not typed on the page: the API gives it.
    assert body == InterventionFacts.model_validate(intervention_body(diagnostic={}))


async def test_the_halls_are_typed_in_one_input(browser: Browser, service: FakeService) -> None:
    await browser.sign_in(BAILLEUR)
    token = await browser.form_token("/procedures/nouvelle/intervention_conjointe")
    form = {**INTERVENTION_FORM, "csrf": token, "halls": "B2; B3 ,C1", "proposant": "forces"}
    started = await browser.http.post("/procedures/nouvelle/intervention_conjointe", data=form)
    assert started.status_code == 303, started.text
    body = service.calls[-1][1][1]
    assert (body.halls, body.proposant) == (["B2", "B3", "C1"], "forces")


async def test_a_joint_interventions_errors_are_shown_beside_their_inputs(
    browser: Browser, service: FakeService
) -> None:
    typed = {
        **INTERVENTION_FORM,
        "objectifs": "",
        "residence.commune_insee": "",
        "proposant": "mairie",
    }
    text = await post_form(browser, "intervention_conjointe", typed)
    assert service.calls == []
    assert beside("objectifs", "Champ requis") in text
    assert beside("residence-commune-insee", "Champ requis") in text
    invalid = "Valeur invalide (valeurs possibles : bailleur, forces ou prefecture)"
    assert beside("proposant", invalid) in text
    assert '<a href="#f-residence-commune-insee">Commune</a> : Champ requis' in text
    assert '<a href="#f-proposant">Proposée par</a> : Valeur invalide' in text
    assert 'name="halls" value="B2"' in text
