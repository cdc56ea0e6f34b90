"""The inbox of a partner and the managers' dashboard, with its CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from domain.actors import Actor
from domain.steps import StepStatus
from quietude.procedures import today_in_paris
from tests.api.rows import (
    BAILLEUR,
    ETAMPES,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    project,
    step,
)
from tests.api.web.browsing import Browser

TODAY = today_in_paris()
LATE_ID = "signalement-2026-000010"
SOON_ID = "signalement-2026-000011"
OTHER_ID = "signalement-2026-000012"


@pytest.fixture
def inbox_rows(engine: Engine) -> None:
    """Two steps of the police of Évry (one 40 days late), one of the parquet elsewhere."""
    opened = TODAY - timedelta(days=45)
    late = step(
        "accuse_reception", POLICE_EVRY, opened, due=TODAY - timedelta(days=40), overdue=True
    )
    project(engine, LATE_ID, [late])
    soon = step("accuse_reception", POLICE_EVRY, TODAY, due=TODAY + timedelta(days=2))
    done = step(
        "transmission",
        POLICE_EVRY,
        opened,
        actor=Actor.BAILLEUR,
        status=StepStatus.DONE,
        completed_on=opened + timedelta(days=4),
    )
    project(engine, SOON_ID, [done, soon])
    parquet = step(
        "decision_parquet",
        PARQUET,
        opened,
        actor=Actor.PARQUET,
        due=TODAY - timedelta(days=3),
        overdue=True,
    )
    project(engine, OTHER_ID, [parquet], bailleur=OTHER_BAILLEUR, commune=ETAMPES)


@pytest.mark.usefixtures("inbox_rows")
async def test_the_inbox_lists_the_organisations_steps_late_first_with_their_age(
    browser: Browser,
) -> None:
    await browser.sign_in(POLICE_EVRY, "agent")
    page = await browser.http.get("/corbeille")
    text = page.text
    assert page.status_code == 200
    assert text.index(LATE_ID) < text.index(SOON_ID)
    assert OTHER_ID not in text
    assert "45 jours" in text and "0 jour<" in text
    assert "2 étapes en attente, dont 1 en retard." in text
    assert f'href="/procedures/{LATE_ID}/etapes/accuse_reception"' in text


@pytest.mark.usefixtures("inbox_rows")
async def test_the_inbox_filters_overdue_steps(browser: Browser) -> None:
    await browser.sign_in(POLICE_EVRY, "agent")
    page = await browser.http.get("/corbeille?retard=oui")
    assert LATE_ID in page.text and SOON_ID not in page.text
    assert "1 étape en attente (sur 2), dont 1 en retard." in page.text


@pytest.mark.usefixtures("inbox_rows")
async def test_the_dashboard_is_for_managers_only(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "juriste")
    page = await browser.http.get("/tableau-de-bord")
    csv_export = await browser.http.get("/tableau-de-bord.csv")
    assert (page.status_code, csv_export.status_code) == (403, 403)
    assert "réservé aux responsables" in page.text


@pytest.mark.usefixtures("inbox_rows")
async def test_the_dashboard_counts_what_the_organisation_sees(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    page = await browser.http.get("/tableau-de-bord")
    text = page.text
    assert page.status_code == 200
    assert '<span class="figure">2</span> étapes en attente' in text
    assert '<span class="figure">1</span> en retard' in text
    assert OTHER_ID not in text  # another bailleur's procedure
    assert (
        '<th scope="row">31 à 90 jours</th>'
        '<td class="num"><a href="/tableau-de-bord/etapes?anciennete=2">1</a></td>'
    ) in text
    assert f'<a href="/procedures/{LATE_ID}">' in text
    # The transmission took 4 days: median and 90th percentile.
    assert (
        '<td class="num" data-label="Médiane (jours)">4,0</td>'
        '<td class="num" data-label="90e centile (jours)">4,0</td>'
    ) in text
    assert text.count('role="img"') == 3
    # Charts are drawn on the server: the page's scripts are the header's menu button and the
    # filters folded on a phone.
    assert re.findall(r"<script[^>]*>", text) == [
        '<script src="/static/menu.js" defer>',
        '<script src="/static/filters.js" defer>',
    ]


@pytest.mark.usefixtures("inbox_rows")
async def test_the_dashboard_filters_by_kind_and_period(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    later = (TODAY - timedelta(days=10)).isoformat()
    page = await browser.http.get(f"/tableau-de-bord?du={later}&kind=signalement")
    assert '<span class="figure">1</span> étape en attente' in page.text
    assert '<span class="figure">0</span> en retard' in page.text
    none = await browser.http.get("/tableau-de-bord?kind=plainte")
    assert '<span class="figure">0</span> étape en attente' in none.text


@pytest.mark.usefixtures("inbox_rows")
async def test_the_csv_export_lists_the_pending_steps(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    export = await browser.http.get("/tableau-de-bord.csv")
    assert export.status_code == 200
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in export.headers["content-disposition"]
    text = export.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["procédure", "type", "commune"]
    late = next(row for row in rows if row[0] == LATE_ID)
    assert late[1] == "Signalement"
    assert late[2] == "Évry-Courcouronnes"
    assert late[9:] == ["oui", "40"]
    assert len(rows) == 3
    assert date.fromisoformat(late[8]) == TODAY - timedelta(days=40)


@pytest.mark.parametrize(
    ("du", "au", "field", "message"),
    [
        ("2026-11-30", "2026-11-01", "au", "le début (30 novembre 2026) est après la fin"),
        ("abc", "", "du", "une date entre le 01/01/2000 et le 31/12/"),
        ("", "3946-07-07", "au", "une date entre le 01/01/2000 et le 31/12/"),
    ],
)
@pytest.mark.usefixtures("inbox_rows")
async def test_a_wrong_period_is_refused_with_its_reason(
    browser: Browser, du: str, au: str, field: str, message: str
) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    page = await browser.http.get("/tableau-de-bord", params={"du": du, "au": au})
    assert page.status_code == 422
    assert message in page.text
    export = await browser.http.get("/tableau-de-bord.csv", params={"du": du, "au": au})
    assert export.status_code == 422


@pytest.mark.usefixtures("inbox_rows")
async def test_the_dashboard_says_which_convention_applies(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    text = (await browser.http.get("/tableau-de-bord")).text
    assert (
        "Convention appliquée : Convention sécurité – tranquillité résidentielle de "
        "l&#39;Essonne du 14 septembre 2021." in text
    )
