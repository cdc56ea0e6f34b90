"""Assigning steps from the corbeille: one step or a selection, for managers only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from tests.api.rows import PARQUET, parquet_step, project_kind
from tests.api.test_assignments import AssigningService
from tests.api.web.browsing import Browser

S1, S2 = "signalement-2026-000301", "signalement-2026-000302"
STEP = "decision_parquet"


@pytest.fixture
def service(engine: Engine) -> AssigningService:
    """The stand-in procedure service, which writes the assignment on the step."""
    return AssigningService(engine)


@pytest.fixture
def parquet_rows(engine: Engine) -> None:
    """Two pending decisions of the parquet, one already with « substitut-a »."""
    project_kind(engine, S1, [parquet_step(STEP, date(2026, 10, 1), assignee="substitut-a")])
    project_kind(engine, S2, [parquet_step(STEP, date(2026, 10, 2))])


def assigned(service: AssigningService) -> list[tuple[str, str, str]]:
    return [(a[1], a[2], a[3]) for name, a in service.calls if name == "assign"]


@pytest.mark.usefixtures("parquet_rows")
async def test_a_manager_sees_the_assignment_controls_with_the_colleagues(
    browser: Browser,
) -> None:
    await browser.sign_in(PARQUET, "manager", "chef-parquet")
    page = (await browser.http.get("/corbeille")).text
    assert 'action="/corbeille/confier"' in page
    assert "Confier les étapes cochées à" in page
    assert f'name="etapes" value="{S2}/{STEP}" form="confier-selection"' in page
    assert '<option value="substitut-a" selected>' in page
    assert '<option value="chef-parquet">' in page


@pytest.mark.usefixtures("parquet_rows")
async def test_an_agent_sees_no_assignment_control(browser: Browser) -> None:
    await browser.sign_in(PARQUET, "agent", "substitut-a")
    page = (await browser.http.get("/corbeille")).text
    assert "/corbeille/confier" not in page and "Confier" not in page


@pytest.mark.usefixtures("parquet_rows")
async def test_a_manager_assigns_one_step_and_is_told_so(
    browser: Browser, service: AssigningService
) -> None:
    await browser.sign_in(PARQUET, "manager", "chef-parquet")
    form = {"etapes": f"{S2}/{STEP}", "personne": "substitut-a"}
    answer = await browser.submit("/corbeille/confier", form, page="/corbeille")
    assert answer.status_code == 303 and answer.headers["location"] == "/corbeille?confiees=1"
    assert assigned(service) == [(S2, STEP, "substitut-a")]
    assert assigned(service)[0][0] == S2
    caller = service.calls[0][1][0]
    assert (caller.sub, caller.role) == ("chef-parquet", "manager")
    page = (await browser.http.get(answer.headers["location"])).text
    assert "1 étape confiée." in page and page.count("confiée à substitut-a") == 2


@pytest.mark.usefixtures("parquet_rows")
async def test_a_manager_assigns_a_selection_in_bulk(
    browser: Browser, service: AssigningService
) -> None:
    await browser.sign_in(PARQUET, "manager", "chef-parquet")
    token = await browser.form_token("/corbeille")
    answer = await browser.http.post(
        "/corbeille/confier",
        data={
            "csrf": token,
            "etapes": [f"{S1}/{STEP}", f"{S2}/{STEP}"],
            "personne": "chef-parquet",
        },
    )
    assert answer.headers["location"] == "/corbeille?confiees=2"
    assert sorted(assigned(service)) == [(S1, STEP, "chef-parquet"), (S2, STEP, "chef-parquet")]
    page = (await browser.http.get(answer.headers["location"])).text
    assert "2 étapes confiées." in page


@pytest.mark.usefixtures("parquet_rows")
async def test_an_agent_is_refused_with_a_403_page(
    browser: Browser, service: AssigningService
) -> None:
    await browser.sign_in(PARQUET, "agent", "substitut-a")
    form = {"etapes": f"{S2}/{STEP}", "personne": "substitut-a"}
    answer = await browser.submit("/corbeille/confier", form, page="/corbeille")
    assert answer.status_code == 403
    assert "Seul un responsable" in answer.text and "<html" in answer.text
    assert assigned(service) == []


@pytest.mark.usefixtures("parquet_rows")
@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"etapes": f"{S2}/{STEP}", "personne": "inconnu"}, "Personne inconnue : « inconnu »"),
        ({"personne": "substitut-a"}, "Aucune étape choisie"),
        ({"etapes": f"{S2}/{STEP}", "personne": ""}, "Choisir la personne"),
        ({"etapes": "autre/etape", "personne": "substitut-a"}, "n&#39;attendent plus"),
    ],
)
async def test_a_bad_assignment_is_refused_in_french_and_nothing_is_assigned(
    browser: Browser, service: AssigningService, form: dict[str, str], message: str
) -> None:
    await browser.sign_in(PARQUET, "manager", "chef-parquet")
    answer = await browser.submit("/corbeille/confier", form, page="/corbeille")
    assert answer.status_code == 422
    assert message in answer.text and 'role="alert"' in answer.text
    assert assigned(service) == []


@pytest.mark.usefixtures("parquet_rows")
async def test_an_assignment_without_the_forms_token_is_refused(
    browser: Browser, service: AssigningService
) -> None:
    await browser.sign_in(PARQUET, "manager", "chef-parquet")
    answer = await browser.http.post(
        "/corbeille/confier", data={"etapes": f"{S2}/{STEP}", "personne": "substitut-a"}
    )
    assert answer.status_code == 403 and "Formulaire refusé" in answer.text
    assert assigned(service) == []
