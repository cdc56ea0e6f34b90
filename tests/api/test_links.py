"""Links shown on both sides of related procedures, suggestions and milestones, and the
résiliation started from a plainte that convicted a tenant."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from domain.contracts import Link, Milestone
from domain.procedures.resiliation_facts import ResiliationFacts
from tests.api.rows import (
    BAILLEUR,
    OTHER_BAILLEUR,
    PARQUET,
    FakeService,
    parquet_step,
    plainte_facts,
    project_kind,
    step,
)
from tests.builders import plainte_body
from tests.fixtures import Tokens

S1 = "signalement-2026-000201"
PLAINTE = "plainte-2026-000205"
RESILIATION = "resiliation-2026-000207"


@pytest.fixture
def linked_rows(engine: Engine) -> None:
    """A signalement that led to a plainte (the parquet decides in both); the plainte led to a
    résiliation (no parquet step in it) and convicted a tenant."""
    project_kind(
        engine,
        S1,
        [parquet_step("decision_parquet", date(2026, 10, 1))],
        links=[Link(procedure_id=PLAINTE, kind="plainte", relation="suite")],
    )
    project_kind(
        engine,
        PLAINTE,
        [parquet_step("transmission_decision", date(2026, 11, 20))],
        facts=plainte_facts(),
        links=[
            Link(procedure_id=S1, kind="signalement", relation="origine"),
            Link(procedure_id=RESILIATION, kind="resiliation", relation="suite"),
        ],
        suggestions=["resiliation"],
        milestones=[
            Milestone(
                key="prescription",
                label="Prescription",
                date=date(2032, 8, 30),
                explanation="6 ans à compter des faits",
                legal_basis="art. 8 CPP",
            )
        ],
    )
    project_kind(
        engine,
        RESILIATION,
        [step("constitution_dossier", BAILLEUR, date(2026, 11, 24))],
        facts={"kind": "resiliation", "bail": {"reference": "B-2019-0042"}},
        links=[Link(procedure_id=PLAINTE, kind="plainte", relation="origine")],
    )


@pytest.mark.usefixtures("linked_rows")
async def test_links_show_the_other_procedure_to_those_who_see_it(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    bailleur = (await client.get(f"/api/procedures/{PLAINTE}", headers=auth(BAILLEUR))).json()
    assert bailleur["links"] == [
        {
            "procedure_id": S1,
            "relation": "origine",
            "kind": "signalement",
            "title": "Signalement — essai",
            "status": "open",
        },
        {
            "procedure_id": RESILIATION,
            "relation": "suite",
            "kind": "resiliation",
            "title": "Resiliation — essai",
            "status": "open",
        },
    ]
    assert bailleur["suggestions"] == ["resiliation"]
    assert bailleur["milestones"] == [
        {
            "key": "prescription",
            "label": "Prescription",
            "date": "2032-08-30",
            "explanation": "6 ans à compter des faits",
            "legal_basis": "art. 8 CPP",
        }
    ]
    parquet = (await client.get(f"/api/procedures/{PLAINTE}", headers=auth(PARQUET))).json()
    # The parquet has no step in the résiliation: only its number.
    assert parquet["links"][1] == {
        "procedure_id": RESILIATION,
        "relation": "suite",
        "kind": None,
        "title": None,
        "status": None,
    }
    assert parquet["links"][0]["kind"] == "signalement"
    other_side = (await client.get(f"/api/procedures/{S1}", headers=auth(PARQUET))).json()
    assert [(lk["procedure_id"], lk["relation"], lk["kind"]) for lk in other_side["links"]] == [
        (PLAINTE, "suite", "plainte")
    ]
    assert other_side["suggestions"] == [] and other_side["milestones"] == []


# ----- from a conviction to a résiliation ------------------------------------------------------

RESILIATION_BODY = {
    "logement_reference": "LGT-0099",
    "bail": {"reference": "B-2020-0099", "date_effet": "2020-03-01"},
    "impayes": True,
}


async def resiliation_from(
    client: httpx.AsyncClient, plainte: str, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    """Ask for the résiliation that follows from a plainte."""
    return await client.post(f"/api/procedures/{plainte}/resiliation", json=body, headers=headers)


@pytest.mark.usefixtures("linked_rows")
async def test_a_conviction_starts_a_resiliation_prefilled_from_the_plainte(
    client: httpx.AsyncClient, auth: Tokens, service: FakeService
) -> None:
    response = await resiliation_from(client, PLAINTE, RESILIATION_BODY, auth(BAILLEUR))
    assert response.status_code == 201, response.text
    assert response.json()["id"] == service.next_id
    (name, (caller, facts)), *_ = service.calls
    assert name == "start" and caller.org == BAILLEUR
    assert isinstance(facts, ResiliationFacts)
    plainte = plainte_body()
    assert facts.model_dump(mode="json", exclude_none=True) == {
        "kind": "resiliation",
        "logement": {"residence": plainte["residence"], "reference": "LGT-0099"},
        "bail": {"reference": "B-2020-0099", "date_effet": "2020-03-01"},
        "locataires": [{"nom": "Quiétudetest", "prenom": "Zéphyrin"}],
        "occupants": [],
        "motifs": ["troubles_jouissance"],
        "impayes": True,
        "origine": "bailleur",
        "liens": [{"procedure_id": PLAINTE}],
    }


@pytest.mark.parametrize(
    ("categorie", "motif"),
    [
        ("trafic_stupefiants", "trafic_stupefiants"),
        ("agression_personnel", "agression_personnel"),
        ("occupation_halls", "troubles_jouissance"),
    ],
)
async def test_the_ground_follows_the_category_of_the_offence(
    client: httpx.AsyncClient,
    auth: Tokens,
    service: FakeService,
    engine: Engine,
    categorie: str,
    motif: str,
) -> None:
    facts = plainte_facts(categorie=categorie)
    facts["mis_en_cause"] = [
        {"nom": "Martin", "prenom": None, "locataire": False},
        {"nom": "Durand", "prenom": "Kévin", "locataire": True},
    ]
    project_kind(engine, PLAINTE, [], facts=facts, suggestions=["resiliation"], links=[])
    response = await resiliation_from(client, PLAINTE, RESILIATION_BODY, auth(BAILLEUR))
    assert response.status_code == 201, response.text
    started = service.calls[0][1][1]
    assert [m.value for m in started.motifs] == [motif]
    assert [(p.nom, p.prenom) for p in started.locataires] == [("Durand", "Kévin")]


@pytest.mark.usefixtures("linked_rows")
@pytest.mark.parametrize(
    ("org", "body", "status", "expected"),
    [
        (PARQUET, RESILIATION_BODY, 403, "bailleur"),
        (OTHER_BAILLEUR, RESILIATION_BODY, 404, "introuvable"),
        (BAILLEUR, {**RESILIATION_BODY, "motifs": ["autre"]}, 422, "motifs : champ non autorisé"),
        (BAILLEUR, {"logement_reference": "LGT-1"}, 422, "bail : champ requis"),
        (
            BAILLEUR,
            {**RESILIATION_BODY, "bail": {"reference": "B-2019-0042", "date_effet": "2019-05-01"}},
            409,
            "déjà engagée : resiliation-2026-000207",
        ),
    ],
)
async def test_a_linked_resiliation_is_refused_to_others_and_for_bad_bodies(
    client: httpx.AsyncClient,
    auth: Tokens,
    service: FakeService,
    org: str,
    body: dict[str, Any],
    status: int,
    expected: str,
) -> None:
    response = await resiliation_from(client, PLAINTE, body, auth(org))
    assert response.status_code == status
    assert expected in response.json()["detail"]
    assert service.calls == []


@pytest.mark.parametrize(
    ("procedure_id", "suggestions", "mis_en_cause", "expected"),
    [
        (PLAINTE, [], None, "Aucune condamnation"),
        (PLAINTE, ["resiliation"], [{"nom": "Martin", "locataire": False}], "Aucun locataire"),
        (S1, ["resiliation"], None, "n'est pas une plainte"),
    ],
)
async def test_no_linked_resiliation_without_a_convicted_tenant(
    client: httpx.AsyncClient,
    auth: Tokens,
    service: FakeService,
    engine: Engine,
    procedure_id: str,
    suggestions: list[str],
    mis_en_cause: list[dict[str, Any]] | None,
    expected: str,
) -> None:
    facts = plainte_facts()
    if mis_en_cause is not None:
        facts["mis_en_cause"] = mis_en_cause
    if procedure_id == S1:
        facts = {"kind": "signalement"}
    project_kind(engine, procedure_id, [], facts=facts, suggestions=suggestions)
    response = await resiliation_from(client, procedure_id, RESILIATION_BODY, auth(BAILLEUR))
    assert response.status_code == 409
    assert expected in response.json()["detail"]
    assert service.calls == []
