"""The managers' dashboard: counts, oldest overdue steps, median durations, in scope."""

from datetime import date
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from domain.actors import Actor
from quietude.settings import Settings
from tests.api.rows import (
    BAILLEUR,
    ETAMPES,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_ETAMPES,
    POLICE_EVRY,
    done_after,
    late,
    project,
    signalement_id,
    step,
)
from tests.fixtures import Tokens

_id = signalement_id
ESSONNE_CONVENTION = (
    "Convention sécurité – tranquillité résidentielle de l'Essonne du 14 septembre 2021"
)


@pytest.fixture
def dashboard_rows(engine: Engine) -> None:
    """Four procedures of BAILLEUR (one at Étampes) and one of OTHER_BAILLEUR."""
    day = partial(date, 2026)
    police_answer = partial(late, "retour_information", POLICE_EVRY)
    parquet_decision = partial(step, "decision_parquet", PARQUET, actor=Actor.PARQUET)
    project(
        engine,
        _id(1),
        [
            done_after("accuse_reception", POLICE_EVRY, day(10, 1), 1),
            police_answer(day(10, 2), day(10, 16)),
        ],
    )
    project(
        engine,
        _id(2),
        [
            done_after("accuse_reception", POLICE_EVRY, day(10, 5), 3),
            police_answer(day(10, 8), day(10, 22)),
            parquet_decision(day(10, 8), due=day(12, 8)),
        ],
    )
    etampes = [
        done_after("accuse_reception", POLICE_ETAMPES, day(11, 2), 8),
        step("retour_information", POLICE_ETAMPES, day(11, 10), due=day(11, 25)),
    ]
    project(engine, _id(3), etampes, commune=ETAMPES)
    project(engine, _id(4), [parquet_decision(day(9, 1), due=day(11, 2), overdue=True)])
    other = [
        done_after("accuse_reception", POLICE_EVRY, day(10, 1), 30),
        police_answer(day(9, 1), day(9, 15)),
    ]
    project(engine, _id(5), other, bailleur=OTHER_BAILLEUR)


async def _dashboard(client: httpx.AsyncClient, auth: Tokens, org: str) -> dict:
    response = await client.get("/api/dashboard", headers=auth(org, "manager"))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.usefixtures("dashboard_rows")
async def test_bailleur_dashboard_counts_its_procedures_only(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    body = await _dashboard(client, auth, BAILLEUR)
    assert body["org"]["id"] == BAILLEUR and body["org"]["name"]
    assert (body["pending"], body["overdue"]) == (5, 3)
    by_actor = {c["key"]: (c["name"], c["pending"], c["overdue"]) for c in body["by_actor"]}
    assert by_actor == {
        "forces": ("Police ou gendarmerie", 3, 2),
        "parquet": ("Parquet", 2, 1),
    }
    by_org = {c["key"]: (c["pending"], c["overdue"]) for c in body["by_organisation"]}
    assert by_org == {POLICE_EVRY: (2, 2), POLICE_ETAMPES: (1, 0), PARQUET: (2, 1)}
    assert all(c["name"] and c["name"] != c["key"] for c in body["by_organisation"])
    oldest = [(t["procedure_id"], t["key"]) for t in body["oldest_overdue"]]
    # Longest overdue first: by due date, whenever the step was opened.
    assert oldest == [
        (_id(1), "retour_information"),
        (_id(2), "retour_information"),
        (_id(4), "decision_parquet"),
    ]


@pytest.mark.usefixtures("dashboard_rows")
async def test_median_days_per_step_over_completed_steps(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    body = await _dashboard(client, auth, BAILLEUR)
    medians = {(m["kind"], m["key"]): (m["median_days"], m["count"]) for m in body["median_days"]}
    # 1, 3 and 8 days for BAILLEUR; the 30 days of OTHER_BAILLEUR are out of its scope.
    assert medians == {("signalement", "accuse_reception"): (3, 3)}


@pytest.mark.usefixtures("dashboard_rows")
async def test_forces_dashboard_covers_the_procedures_they_see(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    body = await _dashboard(client, auth, POLICE_EVRY)
    # Procedures 1, 2 and 5 (two bailleurs); not 3 (Étampes) nor 4 (parquet only).
    assert (body["pending"], body["overdue"]) == (4, 3)
    medians = {m["key"]: (m["median_days"], m["count"]) for m in body["median_days"]}
    assert medians == {"accuse_reception": (3, 3)}


async def test_dashboard_is_for_managers_and_admins(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    for role, status in (("agent", 403), ("juriste", 403), ("manager", 200), ("admin", 200)):
        response = await client.get("/api/dashboard", headers=auth(BAILLEUR, role))
        assert response.status_code == status, role
    refused = await client.get("/api/dashboard", headers=auth(BAILLEUR, "agent"))
    assert "manager" in refused.json()["detail"]


async def test_the_dashboard_names_the_convention_in_force(
    client: httpx.AsyncClient, auth: Tokens, settings: Settings, tmp_path: Path
) -> None:
    body = await _dashboard(client, auth, BAILLEUR)
    assert body["convention"] == {
        "departement": "91",
        "title": "Convention sécurité – tranquillité résidentielle de l'Essonne",
        "date": "2021-09-14",
        "label": ESSONNE_CONVENTION,
    }
    settings.conventions_file = tmp_path / "aucune.toml"  # no convention signed anywhere
    body = await _dashboard(client, auth, BAILLEUR)
    assert body["convention"]["title"] is None and body["convention"]["date"] is None
    assert body["convention"]["label"] == "aucune convention signée : objectifs par défaut"
