"""Every form sent back with errors names each field in its error summary exactly as the
field's label reads, and the summary's link points to that field."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from domain.actors import Actor
from domain.procedures import DEFINITIONS
from tests.api.intervention_rows import INTERVENTION_ID, planning_steps, project_intervention
from tests.api.rows import BAILLEUR, PARQUET, POLICE_EVRY, project, step
from tests.api.web.browsing import Browser, csrf_of
from tests.api.web.error_summaries import assert_summary_names_its_fields, parse, summary_links

PROCEDURE_ID = "signalement-2026-000002"


def input_names(html: str) -> list[str]:
    """The names of the inputs of the page's main form, the CSRF token set aside."""
    return sorted(
        {
            node.attrs["name"]
            for node in parse(html).walk()
            if node.tag in ("input", "select", "textarea")
            and node.attrs.get("name", "csrf") != "csrf"
            and node.attrs.get("type") != "hidden"
        }
    )


@pytest.mark.parametrize("kind", [kind.value for kind in DEFINITIONS])
async def test_a_blank_start_form_names_each_field_by_its_label(
    browser: Browser, kind: str
) -> None:
    await browser.sign_in(BAILLEUR)
    form = await browser.http.get(f"/procedures/nouvelle/{kind}")
    blank = dict.fromkeys(input_names(form.text), "")
    page = await browser.http.post(
        f"/procedures/nouvelle/{kind}", data={**blank, "csrf": csrf_of(form.text)}
    )
    assert page.status_code == 422
    assert_summary_names_its_fields(page.text)


async def test_an_error_in_a_row_is_named_by_the_rows_label(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    path = "/procedures/nouvelle/resiliation"
    form = await browser.http.get(path)
    typed = {"locataires.1.prenom": "Zoé", "csrf": csrf_of(form.text)}
    page = await browser.http.post(path, data=typed)
    assert page.status_code == 422
    assert ("Nom (personne 2)", "f-locataires-1-nom", "Nom (personne 2)") in summary_links(
        page.text
    )
    assert_summary_names_its_fields(page.text)


@pytest.fixture
def parquet_step(engine: Engine) -> None:
    """A procedure whose decision waits for the parquet."""
    opened = date(2026, 11, 23)
    decision = step("decision_parquet", PARQUET, opened, actor=Actor.PARQUET)
    project(engine, PROCEDURE_ID, [decision], bailleur=BAILLEUR)


@pytest.mark.usefixtures("parquet_step")
async def test_a_step_form_names_its_fields_by_their_labels(browser: Browser) -> None:
    await browser.sign_in(PARQUET, "juriste")
    blank = {"outcome": "", "date": "", "depuis": "reponse"}
    page = await browser.submit(f"/procedures/{PROCEDURE_ID}/etapes/decision_parquet", blank)
    assert page.status_code == 422
    assert_summary_names_its_fields(page.text)
    missing = {"outcome": "classement", "date": "2027-01-05", "depuis": "reponse"}
    page = await browser.submit(f"/procedures/{PROCEDURE_ID}/etapes/decision_parquet", missing)
    assert page.status_code == 422
    assert_summary_names_its_fields(page.text)


@pytest.mark.usefixtures("parquet_step")
async def test_the_exhibit_form_names_its_fields_by_their_labels(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR)
    token = await browser.form_token(f"/procedures/{PROCEDURE_ID}")
    page = await browser.http.post(
        f"/procedures/{PROCEDURE_ID}/pieces", data={"csrf": token, "title": "", "kind": ""}
    )
    assert page.status_code == 422
    assert_summary_names_its_fields(page.text)


async def test_the_sign_in_form_names_its_fields_by_their_labels(browser: Browser) -> None:
    page = await browser.http.get("/connexion")
    form = {"csrf": csrf_of(page.text), "org": "inconnue", "role": "chef", "nom": "x" * 500}
    refused = await browser.http.post("/connexion", data=form)
    assert refused.status_code == 422
    assert len(summary_links(refused.text)) == 3
    assert_summary_names_its_fields(refused.text)


async def test_the_plan_form_names_its_fields_by_their_labels(
    browser: Browser, engine: Engine
) -> None:
    project_intervention(engine, planning_steps())
    await browser.sign_in(POLICE_EVRY, "agent")
    token = await browser.form_token(f"/interventions/{INTERVENTION_ID}")
    partial = {"csrf": token, "actions.1.libelle": "Sans date", "actions.1.org": "inconnue"}
    page = await browser.http.post(f"/interventions/{INTERVENTION_ID}/plan", data=partial)
    assert page.status_code == 422
    assert_summary_names_its_fields(page.text)


async def test_the_register_filter_names_its_field_by_its_label(
    browser: Browser, engine: Engine
) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    page = await browser.http.get("/assermentations", params={"fin_dans_mois": "x"})
    assert page.status_code == 422
    assert_summary_names_its_fields(page.text)
