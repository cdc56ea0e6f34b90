"""Assignment of steps inside an organisation, bulk reassignment, links shown on both sides, and
the résiliation started from a plainte that convicted a tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.deps import ServiceProvider
from domain.contracts import Link, Milestone, ProcedureStatus
from domain.facts import ResiliationFacts
from domain.steps import StepStatus
from quietude.procedures import StepRefused
from quietude.settings import Settings
from quietude.tokens import Claims
from store.tables import Step
from tests.api.rows import (
    BAILLEUR,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    FakeService,
    assigned,
    parquet_step,
    plainte_facts,
    project_kind,
    step,
)
from tests.builders import plainte_body
from tests.fixtures import Tokens, refuse_to_connect

S1, S2, S3 = "signalement-2026-000201", "signalement-2026-000202", "signalement-2026-000203"
S4 = "signalement-2026-000204"
PLAINTE = "plainte-2026-000205"
MANAGER = ("manager", "chef-parquet")


@dataclass
class AssigningService(FakeService):
    """The stand-in service, which also assigns steps in the read model; `refused` maps a
    procedure id to the refusal its workflow would answer."""

    refused: dict[str, StepRefused] | None = None

    async def assign(self, caller: Claims, procedure_id: str, key: str, assignee_sub: str) -> None:
        """Record the assignment and write it on the pending step."""
        self.calls.append(("assign", (caller, procedure_id, key, assignee_sub)))
        if self.error:
            raise self.error
        if self.refused and procedure_id in self.refused:
            raise self.refused[procedure_id]
        with Session(self.engine) as session:
            row = session.exec(
                select(Step).where(
                    Step.procedure_id == procedure_id, Step.key == key, Step.status == "pending"
                )
            ).one()
            row.assignee_sub = assignee_sub
            session.add(row)
            session.commit()


@pytest.fixture
def service(engine: Engine) -> AssigningService:
    """The stand-in procedure service the app uses."""
    return AssigningService(engine)


def _assigns(service: FakeService) -> list[tuple[str, str, str]]:
    return [(args[1], args[2], args[3]) for name, args in service.calls if name == "assign"]


@pytest.fixture
def substitut_rows(engine: Engine) -> None:
    """Steps of "substitut-a": two pending at the parquet, one done, one of a withdrawn
    procedure, one of the police with the same name; and one step of "substitut-b"."""
    project_kind(
        engine,
        S1,
        [
            assigned(
                parquet_step("decision_parquet", date(2026, 10, 1), due=date(2026, 12, 1)),
                "substitut-a",
            )
        ],
    )
    project_kind(
        engine,
        S2,
        [
            assigned(
                parquet_step(
                    "decision_parquet",
                    date(2026, 9, 1),
                    status=StepStatus.DONE,
                    completed_on=date(2026, 10, 1),
                    outcome="alternative",
                ),
                "substitut-a",
            ),
            assigned(step("accuse_reception", POLICE_EVRY, date(2026, 9, 1)), "substitut-a"),
        ],
    )
    project_kind(
        engine,
        S3,
        [assigned(parquet_step("decision_parquet", date(2026, 11, 2)), "substitut-a")],
        status=ProcedureStatus.CANCELLED,
    )
    project_kind(
        engine,
        S4,
        [assigned(parquet_step("decision_parquet", date(2026, 11, 3)), "substitut-b")],
        bailleur=OTHER_BAILLEUR,
    )
    project_kind(
        engine,
        "resiliation-2026-000206",
        [
            assigned(
                parquet_step(
                    "demande_information_parquet", date(2026, 11, 20), due=date(2026, 11, 30)
                ),
                "substitut-a",
            )
        ],
    )


# ----- one step --------------------------------------------------------------------------------


@pytest.mark.usefixtures("substitut_rows")
async def test_a_manager_assigns_a_step_and_gets_the_procedure(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    response = await client.post(
        f"/api/procedures/{S4}/steps/decision_parquet/assignee",
        json={"sub": "substitut-c"},
        headers=auth(PARQUET, *MANAGER),
    )
    assert response.status_code == 200, response.text
    step_row = next(s for s in response.json()["steps"] if s["key"] == "decision_parquet")
    assert step_row["assignee_sub"] == "substitut-c"
    caller = service.calls[0][1][0]
    assert (caller.org, caller.sub, caller.role) == (PARQUET, "chef-parquet", "manager")
    assert _assigns(service) == [(S4, "decision_parquet", "substitut-c")]


@pytest.mark.usefixtures("substitut_rows")
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"sub": "substitut-c", "role": "manager"}, "role : champ non autorisé"),
        ({"sub": ""}, "sub : trop court"),
        ({}, "sub : champ requis"),
    ],
)
async def test_a_bad_assignment_body_is_refused(
    client: httpx.AsyncClient,
    auth: Tokens,
    service: AssigningService,
    body: dict[str, Any],
    expected: str,
) -> None:
    response = await client.post(
        f"/api/procedures/{S4}/steps/decision_parquet/assignee",
        json=body,
        headers=auth(PARQUET, *MANAGER),
    )
    assert response.status_code == 422 and expected in response.json()["detail"]
    assert service.calls == []


@pytest.mark.usefixtures("substitut_rows")
@pytest.mark.parametrize(
    ("kind", "status"),
    [("WrongRole", 403), ("WrongOrganisation", 403), ("StepNotPending", 409)],
)
async def test_workflow_refusals_of_an_assignment_have_their_status(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService, kind: str, status: int
) -> None:
    service.error = StepRefused(kind, "Refus en français.")
    response = await client.post(
        f"/api/procedures/{S4}/steps/decision_parquet/assignee",
        json={"sub": "substitut-c"},
        headers=auth(PARQUET, "agent"),
    )
    assert response.status_code == status
    assert response.json() == {"detail": "Refus en français."}


@pytest.mark.usefixtures("substitut_rows")
async def test_an_invisible_procedure_is_not_found_and_its_workflow_not_called(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    for org in (BAILLEUR, POLICE_EVRY):  # S4 is another bailleur's; the police has no step in it
        response = await client.post(
            f"/api/procedures/{S4}/steps/decision_parquet/assignee",
            json={"sub": "x"},
            headers=auth(org, "manager"),
        )
        assert response.status_code == 404
    assert service.calls == []


@pytest.mark.usefixtures("substitut_rows")
async def test_an_assignment_answers_503_while_temporal_is_down(
    app: FastAPI, client: httpx.AsyncClient, auth: Tokens, settings: Settings, engine: Engine
) -> None:
    app.state.services = ServiceProvider(settings, engine, connector=refuse_to_connect)
    response = await client.post(
        f"/api/procedures/{S4}/steps/decision_parquet/assignee",
        json={"sub": "substitut-c"},
        headers=auth(PARQUET, *MANAGER),
    )
    assert response.status_code == 503 and "Temporal" in response.json()["detail"]


# ----- bulk reassignment -----------------------------------------------------------------------


@pytest.mark.usefixtures("substitut_rows")
async def test_bulk_reassignment_moves_exactly_the_pending_steps_of_that_person(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    response = await client.post(
        "/api/tasks/reassign",
        json={"from": "substitut-a", "to": "substitut-b"},
        headers=auth(PARQUET, *MANAGER),
    )
    assert response.status_code == 200, response.text
    # In the order of the inbox: by due date.
    moved = [("resiliation-2026-000206", "demande_information_parquet"), (S1, "decision_parquet")]
    assert response.json() == {
        "moved": [{"procedure_id": p, "key": k} for p, k in moved],
        "count": 2,
    }
    assert sorted(_assigns(service)) == sorted((p, k, "substitut-b") for p, k in moved)
    left = await client.get(
        "/api/tasks", params={"assignee": "substitut-a"}, headers=auth(PARQUET, *MANAGER)
    )
    assert left.json()["items"] == []
    now = await client.get(
        "/api/tasks", params={"assignee": "substitut-b"}, headers=auth(PARQUET, *MANAGER)
    )
    assert {t["procedure_id"] for t in now.json()["items"]} == {S1, S4, "resiliation-2026-000206"}
    with Session(service.engine) as session:
        untouched = session.exec(
            select(Step.id).where(Step.assignee_sub == "substitut-a").order_by(Step.id)
        ).all()
    # The done step, the withdrawn procedure's step and the police's step keep their person.
    assert untouched == [
        f"{S2}:accuse_reception:1",
        f"{S2}:decision_parquet:1",
        f"{S3}:decision_parquet:1",
    ]


@pytest.mark.usefixtures("substitut_rows")
async def test_a_step_completed_meanwhile_is_not_reported_as_moved(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    service.refused = {S1: StepRefused("StepNotPending", "L'étape n'est pas en attente.")}
    response = await client.post(
        "/api/tasks/reassign",
        json={"from": "substitut-a", "to": "substitut-b"},
        headers=auth(PARQUET, "admin"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["count"] == 1
    assert response.json()["moved"] == [
        {"procedure_id": "resiliation-2026-000206", "key": "demande_information_parquet"}
    ]


@pytest.mark.usefixtures("substitut_rows")
@pytest.mark.parametrize(
    ("role", "body", "status", "expected"),
    [
        ("agent", {"from": "substitut-a", "to": "substitut-b"}, 403, "responsables"),
        ("juriste", {"from": "substitut-a", "to": "substitut-b"}, 403, "responsables"),
        ("manager", {"from": "substitut-a", "to": "substitut-a"}, 422, "autre personne"),
        ("manager", {"from": "substitut-a"}, 422, "to : champ requis"),
        ("manager", {"from": "a", "to": "b", "all": True}, 422, "all : champ non autorisé"),
    ],
)
async def test_bulk_reassignment_is_refused_to_others_and_for_bad_bodies(
    client: httpx.AsyncClient,
    auth: Tokens,
    service: AssigningService,
    role: str,
    body: dict[str, Any],
    status: int,
    expected: str,
) -> None:
    response = await client.post("/api/tasks/reassign", json=body, headers=auth(PARQUET, role))
    assert response.status_code == status
    assert expected in response.json()["detail"]
    assert service.calls == []


@pytest.mark.usefixtures("substitut_rows")
async def test_bulk_reassignment_stays_inside_the_callers_organisation(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    response = await client.post(
        "/api/tasks/reassign",
        json={"from": "substitut-a", "to": "substitut-b"},
        headers=auth(POLICE_EVRY, "manager"),
    )
    assert response.json() == {
        "moved": [{"procedure_id": S2, "key": "accuse_reception"}],
        "count": 1,
    }


# ----- links on both sides, suggestions and milestones -----------------------------------------


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
            Link(procedure_id="resiliation-2026-000207", kind="resiliation", relation="suite"),
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
        "resiliation-2026-000207",
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
            "procedure_id": "resiliation-2026-000207",
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
        "procedure_id": "resiliation-2026-000207",
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


@pytest.mark.usefixtures("linked_rows")
async def test_a_conviction_starts_a_resiliation_prefilled_from_the_plainte(
    client: httpx.AsyncClient, auth: Tokens, service: AssigningService
) -> None:
    response = await client.post(
        f"/api/procedures/{PLAINTE}/resiliation", json=RESILIATION_BODY, headers=auth(BAILLEUR)
    )
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
    service: AssigningService,
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
    response = await client.post(
        f"/api/procedures/{PLAINTE}/resiliation", json=RESILIATION_BODY, headers=auth(BAILLEUR)
    )
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
    service: AssigningService,
    org: str,
    body: dict[str, Any],
    status: int,
    expected: str,
) -> None:
    response = await client.post(
        f"/api/procedures/{PLAINTE}/resiliation", json=body, headers=auth(org)
    )
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
    service: AssigningService,
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
    response = await client.post(
        f"/api/procedures/{procedure_id}/resiliation",
        json=RESILIATION_BODY,
        headers=auth(BAILLEUR),
    )
    assert response.status_code == 409
    assert expected in response.json()["detail"]
    assert service.calls == []
