"""Starting procedures, completing steps and withdrawing: validation and error mapping."""

from datetime import date

import httpx
import pytest
from sqlalchemy import Engine

from quietude.procedures import StartRefused, StepRefused, TemporalUnavailable
from tests.api.rows import BAILLEUR, EVRY, PARQUET, POLICE_EVRY, FakeService, project, step
from tests.builders import signalement_body
from tests.fixtures import Tokens

PROCEDURE = "signalement-2026-000001"
STEP_URL = f"/api/procedures/{PROCEDURE}/steps/accuse_reception"
COMPLETION = {"outcome": "recu", "date": "2026-11-24", "data": {}, "comment": "Vu."}


@pytest.fixture
def pending(engine: Engine) -> None:
    """A procedure waiting for the police of Évry to acknowledge it."""
    project(engine, PROCEDURE, [step("accuse_reception", POLICE_EVRY, date(2026, 11, 23))])


async def test_start_answers_201_with_the_procedure(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService
) -> None:
    response = await client.post(
        "/api/procedures", json=signalement_body(), headers=auth(BAILLEUR, "juriste")
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == service.next_id
    assert body["bailleur"]["id"] == BAILLEUR
    assert body["steps"][0]["key"] == "accuse_reception"
    ((name, (caller, facts)),) = service.calls
    assert name == "start" and caller.org == BAILLEUR and caller.role == "juriste"
    assert facts.residence.commune_insee == EVRY


@pytest.mark.parametrize("org", [POLICE_EVRY, PARQUET, "organisation-inconnue"])
async def test_only_a_bailleur_starts_a_procedure(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService, org: str
) -> None:
    response = await client.post("/api/procedures", json=signalement_body(), headers=auth(org))
    assert response.status_code == 403
    assert "bailleur" in response.json()["detail"]
    assert service.calls == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"bailleur": "x"}, "Corps de requête invalide : bailleur : champ non autorisé"),
        ({"faits_le": "2026-11-20T22:30:00"}, "faits_le : fuseau horaire requis"),
        ({"faits_le": "hier soir"}, "faits_le : date et heure invalides"),
        (
            {"categorie": "bruit"},
            "categorie : valeur invalide (valeurs possibles : trafic_stupefiants, ",
        ),
        (
            {"kind": "divorce"},
            "kind : valeur « divorce » inconnue (valeurs possibles : signalement, plainte, "
            "resiliation, assermentation, intervention_conjointe)",
        ),
        ({"description": ""}, "description : trop court (au moins 1 caractère(s))"),
    ],
)
async def test_bad_start_bodies_answer_422_naming_the_field(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService, changes: dict, expected: str
) -> None:
    body = signalement_body(**changes)
    response = await client.post("/api/procedures", json=body, headers=auth(BAILLEUR))
    assert response.status_code == 422
    assert expected in response.json()["detail"]
    assert service.calls == []


async def test_bad_residence_and_missing_field_are_both_named(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    body = signalement_body()
    body["residence"]["commune_insee"] = "Évry"
    del body["source"]
    response = await client.post("/api/procedures", json=body, headers=auth(BAILLEUR))
    detail = response.json()["detail"]
    assert detail.startswith("Corps de requête invalide : ")
    assert "residence.commune_insee : format invalide" in detail
    assert "source : champ requis" in detail


async def test_malformed_json_answers_422(client: httpx.AsyncClient, auth: Tokens) -> None:
    response = await client.post(
        "/api/procedures",
        content=b'{"kind": "signalement",',
        headers=auth(BAILLEUR) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "Corps de requête invalide : JSON mal formé."}


async def test_start_refused_by_the_service_answers_422(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService
) -> None:
    service.error = StartRefused("Commune inconnue : 75056.")
    response = await client.post("/api/procedures", json=signalement_body(), headers=auth(BAILLEUR))
    assert response.status_code == 422
    assert response.json() == {"detail": "Commune inconnue : 75056."}


@pytest.mark.usefixtures("pending")
async def test_completing_a_step_answers_the_updated_procedure(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService
) -> None:
    response = await client.post(STEP_URL, json=COMPLETION, headers=auth(POLICE_EVRY))
    assert response.status_code == 200, response.text
    (reception,) = response.json()["steps"]
    assert (reception["status"], reception["outcome"]) == ("done", "recu")
    ((name, (caller, procedure_id, key, completion)),) = service.calls
    assert (caller.org, procedure_id, key) == (POLICE_EVRY, PROCEDURE, "accuse_reception")
    assert completion.date == date(2026, 11, 24) and completion.comment == "Vu."


@pytest.mark.usefixtures("pending")
@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("StepNotPending", 409),
        ("NotOpen", 409),
        ("WrongOrganisation", 403),
        ("InvalidOutcome", 422),
        ("InvalidData", 422),
        ("UnknownStep", 404),
        ("NotFound", 404),
    ],
)
async def test_refusals_of_the_workflow_map_to_statuses(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService, kind: str, status: int
) -> None:
    service.error = StepRefused(kind, f"Refus : {kind}.")
    response = await client.post(STEP_URL, json=COMPLETION, headers=auth(POLICE_EVRY))
    assert response.status_code == status
    assert response.json() == {"detail": f"Refus : {kind}."}


@pytest.mark.usefixtures("pending")
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"date": "24/11/2026"}, "date : date invalide (format attendu AAAA-MM-JJ)"),
        ({"date": "2026-02-30"}, "date : date invalide"),
        ({"qui": "moi"}, "qui : champ non autorisé"),
        ({"outcome": None}, "outcome : texte attendu"),
    ],
)
async def test_bad_completions_answer_422_in_french(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService, changes: dict, expected: str
) -> None:
    body = COMPLETION | changes
    response = await client.post(STEP_URL, json=body, headers=auth(POLICE_EVRY))
    assert response.status_code == 422
    assert expected in response.json()["detail"]
    assert service.calls == []


@pytest.mark.usefixtures("pending")
async def test_cancel_passes_the_reason_and_answers_the_procedure(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService
) -> None:
    url = f"/api/procedures/{PROCEDURE}/cancel"
    response = await client.post(url, json={"reason": "Doublon"}, headers=auth(BAILLEUR))
    assert response.status_code == 200
    assert response.json()["id"] == PROCEDURE
    assert service.calls[0][0] == "cancel" and service.calls[0][1][2] == "Doublon"
    extra = await client.post(url, json={"reason": "x", "force": True}, headers=auth(BAILLEUR))
    empty = await client.post(url, json={"reason": ""}, headers=auth(BAILLEUR))
    assert extra.status_code == empty.status_code == 422
    assert "force : champ non autorisé" in extra.json()["detail"]
    assert len(service.calls) == 1


@pytest.mark.usefixtures("pending")
async def test_temporal_unavailable_answers_503(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService
) -> None:
    service.error = TemporalUnavailable("Moteur de procédures injoignable, réessayez.")
    step_response = await client.post(STEP_URL, json=COMPLETION, headers=auth(POLICE_EVRY))
    start_response = await client.post(
        "/api/procedures", json=signalement_body(), headers=auth(BAILLEUR)
    )
    assert step_response.status_code == start_response.status_code == 503
    assert step_response.json() == {"detail": "Moteur de procédures injoignable, réessayez."}
