"""Who sees which procedure, and which of its facts."""

from datetime import date

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from domain.actors import Actor
from domain.steps import StepStatus
from store.visibility import can_see, facts_for
from tests.api.rows import (
    BAILLEUR,
    GENDARMERIE,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    FakeService,
    project,
    step,
)
from tests.fixtures import Tokens

A_ID = "signalement-2026-000001"
B_ID = "signalement-2026-000002"
OPENED = date(2026, 11, 23)


@pytest.fixture
def two_bailleurs(engine: Engine) -> None:
    """A's procedure waits for the police of Évry; B's has gone to the parquet."""
    project(engine, A_ID, [step("accuse_reception", POLICE_EVRY, OPENED)])
    done = step(
        "accuse_reception", POLICE_EVRY, OPENED, status=StepStatus.DONE, completed_on=OPENED
    )
    parquet = step("decision_parquet", PARQUET, OPENED, actor=Actor.PARQUET, hour=10)
    project(engine, B_ID, [done, parquet], bailleur=OTHER_BAILLEUR)


async def _visible_ids(client: httpx.AsyncClient, headers: dict[str, str]) -> set[str]:
    response = await client.get("/api/procedures", headers=headers)
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.usefixtures("two_bailleurs")
async def test_each_organisation_sees_only_its_procedures(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    assert await _visible_ids(client, auth(BAILLEUR)) == {A_ID}
    assert await _visible_ids(client, auth(OTHER_BAILLEUR)) == {B_ID}
    assert await _visible_ids(client, auth(POLICE_EVRY)) == {A_ID, B_ID}
    assert await _visible_ids(client, auth(PARQUET)) == {B_ID}
    assert await _visible_ids(client, auth(GENDARMERIE)) == set()
    assert await _visible_ids(client, auth("organisation-inconnue")) == set()


@pytest.mark.usefixtures("two_bailleurs")
async def test_procedure_of_another_bailleur_answers_404(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    own = await client.get(f"/api/procedures/{A_ID}", headers=auth(BAILLEUR))
    other = await client.get(f"/api/procedures/{B_ID}", headers=auth(BAILLEUR))
    unknown = await client.get("/api/procedures/signalement-2026-999999", headers=auth(BAILLEUR))
    assert own.status_code == 200
    assert other.status_code == 404 and unknown.status_code == 404
    assert other.json() == unknown.json() == {"detail": "Procédure introuvable."}


@pytest.mark.usefixtures("two_bailleurs")
async def test_invisible_procedure_answers_404_before_any_workflow_call(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService
) -> None:
    headers = auth(GENDARMERIE)
    completion = {"outcome": "recu", "date": "2026-11-24"}
    calls = [
        client.get(f"/api/procedures/{A_ID}", headers=headers),
        client.get(f"/api/procedures/{A_ID}/documents", headers=headers),
        client.post(
            f"/api/procedures/{A_ID}/steps/accuse_reception", json=completion, headers=headers
        ),
        client.post(f"/api/procedures/{A_ID}/cancel", json={"reason": "x"}, headers=headers),
    ]
    for call in calls:
        assert (await call).status_code == 404
    assert service.calls == []


async def test_parquet_sees_a_procedure_once_a_parquet_step_exists(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    reception = step("accuse_reception", POLICE_EVRY, OPENED)
    project(engine, A_ID, [reception])
    before = await client.get(f"/api/procedures/{A_ID}", headers=auth(PARQUET))
    done = reception.model_copy(update={"status": StepStatus.DONE, "completed_on": OPENED})
    parquet = step("decision_parquet", PARQUET, OPENED, actor=Actor.PARQUET, hour=10)
    project(engine, A_ID, [done, parquet])
    after = await client.get(f"/api/procedures/{A_ID}", headers=auth(PARQUET))
    assert before.status_code == 404
    assert after.status_code == 200


async def test_a_step_once_assigned_keeps_the_procedure_visible(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    cancelled = step("accuse_reception", POLICE_EVRY, OPENED, status=StepStatus.CANCELLED)
    project(engine, A_ID, [cancelled])
    response = await client.get(f"/api/procedures/{A_ID}", headers=auth(POLICE_EVRY))
    assert response.status_code == 200


@pytest.mark.usefixtures("two_bailleurs")
async def test_forces_read_the_facts_without_the_names_of_people(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    police = (await client.get(f"/api/procedures/{A_ID}", headers=auth(POLICE_EVRY))).json()
    bailleur = (
        await client.get(f"/api/procedures/{A_ID}", headers=auth(BAILLEUR, "juriste"))
    ).json()
    assert bailleur["facts"]["personnes"][0]["nom"] == "Durand"
    assert "personnes" not in police["facts"]
    assert "Durand" not in str(police)
    assert police["facts"]["residence"]["hall"] == "2"
    assert police["facts"]["categorie"] == "occupation_halls"
    assert set(police["facts"]) == {
        "kind",
        "residence",
        "categorie",
        "faits_le",
        "description",
        "source",
    }


def test_facts_for_keeps_everything_for_the_bailleur_only() -> None:
    facts = {
        "kind": "signalement",
        "residence": {"nom": "R", "adresse": "A", "commune_insee": "91228", "secret": "x"},
        "description": "d",
        "personnes": [{"nom": "Durand"}],
        "destinataire": "forces",
    }
    assert facts_for("bailleur", facts) == facts
    reduced = facts_for("police", facts)
    assert reduced == {
        "kind": "signalement",
        "residence": {"nom": "R", "adresse": "A", "commune_insee": "91228"},
        "description": "d",
    }
    # A kind without its own list shares the residence only.
    plainte = facts_for("parquet", facts | {"kind": "plainte"})
    assert plainte == {"kind": "plainte", "residence": reduced["residence"]}


@pytest.mark.usefixtures("two_bailleurs")
def test_can_see_applies_the_same_rules(engine: Engine) -> None:
    with Session(engine) as session:
        assert can_see(session, BAILLEUR, A_ID)
        assert not can_see(session, BAILLEUR, B_ID)
        assert can_see(session, PARQUET, B_ID)
        assert not can_see(session, GENDARMERIE, A_ID)
        assert not can_see(session, "organisation-inconnue", A_ID)
        assert not can_see(session, BAILLEUR, "signalement-2026-999999")
