"""The dashboard's numbers lead to the steps they count; every late step is listed, a page at a
time; its period is checked with a message."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from domain.actors import Actor
from domain.steps import StepStatus
from quietude.procedures import today_in_paris
from tests.api.rows import BAILLEUR, PARQUET, POLICE_EVRY, done_after, project, step
from tests.api.web.browsing import Browser

TODAY = today_in_paris()
LATE_POLICE = 28  # more than a page of 25
LATE_PARQUET = 3


@pytest.fixture
def late_rows(engine: Engine) -> None:
    """28 late steps of the police (2 to 29 days late), 3 of the parquet (60 days), 1 on time."""
    number = 0
    for days in range(2, 2 + LATE_POLICE):
        number += 1
        due = TODAY - timedelta(days=days)
        late = step("accuse_reception", POLICE_EVRY, due - timedelta(days=5), due=due, overdue=True)
        project(engine, f"signalement-2026-{number:06d}", [late])
    for _ in range(LATE_PARQUET):
        number += 1
        due = TODAY - timedelta(days=60)
        decision = step(
            "decision_parquet", PARQUET, due, actor=Actor.PARQUET, due=due, overdue=True
        )
        project(engine, f"signalement-2026-{number:06d}", [decision])
    number += 1
    soon = step("accuse_reception", POLICE_EVRY, TODAY, due=TODAY + timedelta(days=3))
    project(engine, f"signalement-2026-{number:06d}", [soon])


def links(html: str) -> list[str]:
    return [
        h.replace("&amp;", "&") for h in re.findall(r'href="(/tableau-de-bord/etapes[^"]*)"', html)
    ]


def status_count(html: str) -> int:
    found = re.search(r'<p role="status">(\d+) étape', html)
    assert found, "no count"
    return int(found.group(1))


@pytest.mark.usefixtures("late_rows")
async def test_every_late_step_is_listed_a_page_at_a_time(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    first = late_section((await browser.http.get("/tableau-de-bord")).text)
    second = late_section((await browser.http.get("/tableau-de-bord?page=2")).text)
    assert "page 1 sur 2" in first and "page 2 sur 2" in second
    assert first.count("<tr>") - 1 == 25 and second.count("<tr>") - 1 == 6
    listed = set(re.findall(r"signalement-2026-\d+", first + second))
    assert len(listed) == LATE_POLICE + LATE_PARQUET
    assert 'href="/tableau-de-bord?page=2#plus-anciens"' in first


def late_section(html: str) -> str:
    return html.split('id="plus-anciens"')[1].split("</section>")[0]


@pytest.mark.usefixtures("late_rows")
async def test_each_number_links_to_the_steps_it_counts(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    page = (await browser.http.get("/tableau-de-bord")).text
    found = links(page)
    assert "/tableau-de-bord/etapes?" in found
    assert "/tableau-de-bord/etapes?etat=retard" in found
    expected = {
        "/tableau-de-bord/etapes?": LATE_POLICE + LATE_PARQUET + 1,
        "/tableau-de-bord/etapes?etat=retard": LATE_POLICE + LATE_PARQUET,
        "/tableau-de-bord/etapes?acteur=parquet&etat=retard": LATE_PARQUET,
        f"/tableau-de-bord/etapes?organisation={POLICE_EVRY}": LATE_POLICE + 1,
        "/tableau-de-bord/etapes?anciennete=2": LATE_PARQUET,
        "/tableau-de-bord/etapes?anciennete=0": 6,
    }
    for link, count in expected.items():
        assert link in found, link
        listed = await browser.http.get(link)
        assert listed.status_code == 200
        assert status_count(listed.text) == count, link


@pytest.mark.usefixtures("late_rows")
async def test_the_dashboards_filters_follow_its_links(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    since = (TODAY - timedelta(days=10)).isoformat()
    page = (await browser.http.get(f"/tableau-de-bord?du={since}")).text
    assert f"/tableau-de-bord/etapes?du={since}&etat=retard" in links(page)
    listed = await browser.http.get(f"/tableau-de-bord/etapes?du={since}&etat=retard")
    assert status_count(listed.text) == 4  # opened in the last 10 days: 2 to 5 days late


@pytest.mark.usefixtures("late_rows")
@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "du=2026-06-30&au=2026-01-01",
            "Période invalide : le début (30 juin 2026) est après la fin (1er janvier 2026).",
        ),
        ("du=abc", "La date « abc » du champ « du » n&#39;est pas une date valide"),
        ("au=2026-02-30", "La date « 2026-02-30 » du champ « au »"),
    ],
)
async def test_a_bad_period_gets_a_message_not_zeros(
    browser: Browser, query: str, message: str
) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    page = await browser.http.get(f"/tableau-de-bord?{query}")
    assert page.status_code == 422
    assert message in page.text
    assert "Chiffres clés" not in page.text
    csv = await browser.http.get(f"/tableau-de-bord.csv?{query}")
    assert csv.status_code == 422 and message in csv.text


@pytest.fixture
def completed_rows(engine: Engine) -> None:
    """Four acknowledgements done (one opened 40 days ago), two decisions of the parquet done,
    one acknowledgement of a dossier imported (done before it was recorded)."""
    opened = [TODAY - timedelta(days=n) for n in (3, 5, 8, 40)]
    for number, day in enumerate(opened, start=1):
        project(
            engine,
            f"signalement-2026-{number:06d}",
            [done_after("accuse_reception", POLICE_EVRY, day, 1)],
        )
    for number in (5, 6):
        decision = done_after(
            "decision_parquet", PARQUET, TODAY - timedelta(days=9), 2, actor=Actor.PARQUET
        )
        project(engine, f"signalement-2026-{number:06d}", [decision])
    imported = step(
        "accuse_reception",
        POLICE_EVRY,
        TODAY - timedelta(days=2),
        status=StepStatus.DONE,
        completed_on=TODAY - timedelta(days=10),
    )
    project(engine, "signalement-2026-000007", [imported])


def completed_counts(html: str) -> dict[str, int]:
    """The number of completed steps shown for each link of the durations' table."""
    table = html.split('id="durees"')[1].split("</section>")[0].replace("&amp;", "&")
    found = re.findall(r'<a href="(/tableau-de-bord/etapes\?[^"]*)">(\d+)<', table)
    return {link: int(count) for link, count in found}


@pytest.mark.usefixtures("completed_rows")
@pytest.mark.parametrize("query", ["", f"du={(TODAY - timedelta(days=10)).isoformat()}"])
async def test_each_count_of_completed_steps_links_to_those_steps(
    browser: Browser, query: str
) -> None:
    await browser.sign_in(BAILLEUR, "manager")
    page = (await browser.http.get(f"/tableau-de-bord?{query}")).text
    counts = completed_counts(page)
    assert sorted(counts.values()) == ([2, 3] if query else [2, 4])
    for link, count in counts.items():
        assert "etat=accomplie" in link and (query in link)
        listed = await browser.http.get(link)
        assert listed.status_code == 200
        assert status_count(listed.text) == count, link
        assert len(set(re.findall(r"signalement-2026-\d+", listed.text))) == count
