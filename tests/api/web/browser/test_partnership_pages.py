"""The register of sworn agents and the plan of a joint intervention in a real browser: no
serious or critical accessibility violation (axe-core), the plan form included."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.api.intervention_rows import (
    INDICATORS,
    evaluated_steps,
    planning_steps,
    project_intervention,
)
from tests.api.web.browser.live import LiveStack
from tests.api.web.browser.test_journeys import check_page, sign_in
from tests.api.web.test_register_pages import SOON, project_agent
from tests.builders import BAILLEUR, POLICE_EVRY

EVALUATED = "intervention_conjointe-2030-000101"
PLANNING = "intervention_conjointe-2030-000102"


async def test_the_register_and_the_plan_pages_are_accessible(
    chromium: Browser, live: LiveStack
) -> None:
    project_agent(live.engine, 101, "Quiétudetest", SOON)
    project_intervention(live.engine, evaluated_steps(), EVALUATED, INDICATORS)
    project_intervention(live.engine, planning_steps(), PLANNING)

    juriste = await sign_in(chromium, live, BAILLEUR, "juriste", "Claire Juriste")
    await juriste.goto("/assermentations?fin_dans_mois=6")
    await expect(juriste.get_by_role("table")).to_contain_text("Zoé Quiétudetest")
    await check_page(juriste, "20-registre-assermentes")
    await juriste.goto(f"/interventions/{EVALUATED}")
    indicators = juriste.get_by_role("table", name="Indicateurs du territoire avant et après")
    await expect(indicators).to_contain_text("Occupation des halls")
    await check_page(juriste, "21-intervention-evaluation")

    police = await sign_in(chromium, live, POLICE_EVRY, "agent", "Paul Policier")
    await police.goto(f"/interventions/{PLANNING}")
    await police.get_by_role("button", name="Enregistrer le plan").click()
    await expect(police.get_by_role("alert")).to_contain_text("au moins une action")
    await check_page(police, "22-intervention-plan-erreurs")
