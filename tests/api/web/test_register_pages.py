"""The register of sworn agents (page, filter, CSV) and the plan of a joint intervention (page,
evaluation side by side, the form that plans the actions without JavaScript, the .docx)."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine

from activities.projection import ProjectionActivities
from domain.contracts import Link, Milestone
from domain.facts import StepCompletion
from quietude.procedures import today_in_paris
from tests.api.intervention_rows import (
    INDICATORS,
    INTERVENTION_ID,
    REPORT,
    evaluated_steps,
    planning_steps,
    project_intervention,
)
from tests.api.rows import (
    BAILLEUR,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    FakeService,
    at,
    step,
)
from tests.api.web.browsing import Browser, csrf_of
from tests.builders import assermentation_body, snapshot_of

TODAY = today_in_paris()
SOON = TODAY + relativedelta(months=2)
LATER = TODAY + relativedelta(years=3)


def project_agent(
    engine: Engine, number: int, nom: str, ends: date, bailleur: str = BAILLEUR
) -> str:
    """An active sworn agent whose agrément ends on `ends`."""
    procedure_id = f"assermentation-2026-{number:06d}"
    body = assermentation_body(agent={"nom": nom, "prenom": "Zoé", "poste": "gardien"})
    milestones = [
        Milestone(key="statut", label="Agent en fonctions", date=TODAY - relativedelta(years=1)),
        Milestone(key="fin_agrement", label="Fin de l'agrément", date=ends),
    ]
    created = at(TODAY - relativedelta(years=2))
    title = "Assermentation — gardien"
    snapshot = snapshot_of(
        procedure_id, body, created, title=title, bailleur_id=bailleur, milestones=milestones
    )
    ProjectionActivities(engine).project(snapshot)
    return procedure_id


def project_late_pv(engine: Engine, agent_id: str) -> None:
    """A PV of the agent whose transmission to the procureur is overdue."""
    found = TODAY - relativedelta(days=20)
    late = step("transmission_pv", BAILLEUR, found, due=found + relativedelta(days=5))
    agent = Link(procedure_id=agent_id, kind="assermentation", relation="agent")
    facts = {"kind": "signalement"}
    pv = "signalement-2026-000900"
    snapshot = snapshot_of(pv, facts, at(found), [late], title="Signalement", links=[agent])
    ProjectionActivities(engine).project(snapshot)


@pytest.fixture
def register(engine: Engine) -> None:
    """Two agents of the bailleur (one with a late PV, agrément ending soon), one elsewhere."""
    soon = project_agent(engine, 1, "Quiétudetest", SOON)
    project_agent(engine, 2, "Durable", LATER)
    project_agent(engine, 3, "Ailleurs", SOON, bailleur=OTHER_BAILLEUR)
    project_late_pv(engine, soon)


@pytest.mark.usefixtures("register")
async def test_the_register_lists_the_bailleurs_agents_with_their_pvs(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "juriste")
    page = await browser.http.get("/assermentations")
    assert page.status_code == 200, page.text
    assert "Zoé Quiétudetest" in page.text and "Zoé Durable" in page.text
    assert "Ailleurs" not in page.text
    assert "Garde particulier assermenté" in page.text
    assert "R. 635-1" in page.text and "Agent en fonctions" in page.text
    row = page.text.split("Zoé Quiétudetest")[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in row  # one PV
    assert '<td class="num">1 <strong class="badge badge-late">En retard</strong></td>' in row
    assert 'href="/assermentations.csv"' in page.text


@pytest.mark.usefixtures("register")
async def test_the_filter_keeps_the_agrements_ending_within_n_months(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    page = await browser.http.get("/assermentations?fin_dans_mois=6")
    assert "Zoé Quiétudetest" in page.text and "Durable" not in page.text
    assert "1 agent dont l'agrément finit au plus tard le" in page.text
    assert 'href="/assermentations.csv?fin_dans_mois=6"' in page.text
    export = await browser.http.get("/assermentations.csv?fin_dans_mois=6")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    text = export.content.decode("utf-8-sig")
    assert "Quiétudetest" in text and "Durable" not in text
    wrong = await browser.http.get("/assermentations?fin_dans_mois=douze")
    assert wrong.status_code == 422
    assert "Nombre de mois attendu, de 0 à 120." in wrong.text


@pytest.mark.parametrize("months", ["²", "9" * 5000])
@pytest.mark.usefixtures("register")
async def test_a_number_of_months_int_cannot_read_is_refused_beside_the_field(
    browser: Browser, months: str
) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    wrong = await browser.http.get("/assermentations", params={"fin_dans_mois": months})
    assert wrong.status_code == 422
    assert "Nombre de mois attendu, de 0 à 120." in wrong.text


@pytest.mark.usefixtures("register")
async def test_the_register_is_refused_to_agents_and_partners(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "agent")
    refused = await browser.http.get("/assermentations")
    assert refused.status_code == 403
    assert "Registre réservé aux juristes et responsables du bailleur." in refused.text
    assert "Quiétudetest" not in refused.text
    assert (await browser.http.get("/assermentations.csv")).status_code == 403
    await browser.sign_in(POLICE_EVRY, "manager")
    assert (await browser.http.get("/assermentations")).status_code == 403


async def test_the_plan_page_shows_actions_report_and_indicators_side_by_side(
    browser: Browser, engine: Engine
) -> None:
    project_intervention(engine, evaluated_steps(), indicators=INDICATORS)
    await browser.sign_in(BAILLEUR, "juriste")
    page = await browser.http.get(f"/interventions/{INTERVENTION_ID}")
    assert page.status_code == 200, page.text
    text = page.text
    assert "Validation par les forces de l&#39;ordre" in text
    action = text.split("Présence renforcée en soirée</th>")[1].split("</tr>")[0]
    assert "25 mars 2030" in action and "Accomplie : Réalisée" in action
    assert "Motif : Audience" in text and REPORT in text
    halls = text.split('<th scope="row">Occupation des halls</th>')[1].split("</tr>")[0]
    assert halls.split('<td class="num">')[1:] == ["2</td>", "1</td>", "−1</td>"]
    assert "du 7 décembre 2029 au 20 mars 2030" in text
    assert f'href="/interventions/{INTERVENTION_ID}/compte-rendu.docx"' in text
    assert "Planifier les actions" not in text
    download = await browser.http.get(f"/interventions/{INTERVENTION_ID}/compte-rendu.docx")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    await browser.sign_in(OTHER_BAILLEUR, "juriste")
    assert (await browser.http.get(f"/interventions/{INTERVENTION_ID}")).status_code == 404


async def test_the_forces_plan_several_actions_blank_rows_ignored(
    browser: Browser, engine: Engine, service: FakeService
) -> None:
    project_intervention(engine, planning_steps())
    await browser.sign_in(POLICE_EVRY, "agent")
    page = await browser.http.get(f"/interventions/{INTERVENTION_ID}")
    assert "Planifier les actions" in page.text
    assert page.text.count("<legend>Action n°") == 5
    assert f'<option value="{PARQUET}">' in page.text
    form = {
        "csrf": csrf_of(page.text),
        "actions.0.libelle": "Présence renforcée en soirée",
        "actions.0.org": POLICE_EVRY,
        "actions.0.date": "2030-03-25",
        "actions.2.libelle": "Éclairage du hall B2 remplacé",
        "actions.2.org": BAILLEUR,
        "actions.2.date": "2030-03-20",
        "date": "2030-03-06",
    }
    sent = await browser.http.post(f"/interventions/{INTERVENTION_ID}/plan", data=form)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/interventions/{INTERVENTION_ID}?fait=plan"
    ((name, (caller, procedure_id, key, completion)),) = service.calls
    assert (name, caller.org, procedure_id, key) == (
        "complete_step",
        POLICE_EVRY,
        INTERVENTION_ID,
        "planification",
    )
    assert completion == StepCompletion(
        outcome="planifiee",
        date=date(2030, 3, 6),
        data={
            "actions": [
                {
                    "org": POLICE_EVRY,
                    "libelle": "Présence renforcée en soirée",
                    "date": "2030-03-25",
                },
                {"org": BAILLEUR, "libelle": "Éclairage du hall B2 remplacé", "date": "2030-03-20"},
            ]
        },
    )


async def test_an_incomplete_row_or_an_empty_plan_is_sent_back(
    browser: Browser, engine: Engine, service: FakeService
) -> None:
    project_intervention(engine, planning_steps())
    await browser.sign_in(POLICE_EVRY, "agent")
    token = await browser.form_token(f"/interventions/{INTERVENTION_ID}")
    url = f"/interventions/{INTERVENTION_ID}/plan"
    partial = {"csrf": token, "actions.1.libelle": "Sans date", "actions.1.org": "inconnue"}
    page = await browser.http.post(url, data={**partial, "date": "2030-03-06"})
    assert page.status_code == 422
    summary = '<a href="#f-actions-1-{}">{} (action 2)</a> : {}'
    assert summary.format("date", "Date prévue", "Requis pour planifier cette action.") in page.text
    assert (
        summary.format("org", "Organisation", "Choisir une organisation de la liste.") in page.text
    )
    assert 'value="Sans date"' in page.text  # what was typed comes back
    empty = await browser.http.post(url, data={"csrf": token, "date": "2030-03-06"})
    assert empty.status_code == 422
    assert "Le plan compte au moins une action." in empty.text
    assert service.calls == []
    await browser.sign_in(BAILLEUR, "juriste")  # the plan is the forces' step
    own = await browser.http.get(f"/interventions/{INTERVENTION_ID}")
    assert "Planifier les actions" not in own.text
    assert "Les actions sont à planifier par" in own.text
