"""The parquet's side through HTTP on the real stack: its inbox across bailleurs, assignment
inside an organisation, a decision entered once and repeated in the linked procedure, and the
résiliation started from a conviction."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from quietude.procedures import today_in_paris
from quietude.tokens import mint_token
from tests.builders import (
    BAILLEUR,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    plainte_body,
    resiliation_body,
    signalement_body,
)
from tests.integration.stack import Stack

TODAY = today_in_paris()
ETAMPES = {"nom": "Résidence du Donjon", "adresse": "3 rue du Château", "commune_insee": "91223"}


def headers(stack: Stack, org: str, role: str, sub: str) -> dict[str, str]:
    """A token of person `sub` of `org`."""
    return {"Authorization": f"Bearer {mint_token(stack.settings, org, role, sub)}"}


async def eventually(check: Callable[[], Awaitable[Any]], seconds: float = 10.0) -> Any:
    """The first truthy answer of `check` within `seconds` (work done by activities)."""
    for _ in range(int(seconds / 0.2)):
        answer = await check()
        if answer:
            return answer
        await asyncio.sleep(0.2)
    raise AssertionError(f"still not true after {seconds} s")


async def start(stack: Stack, org: str, body: dict[str, Any]) -> str:
    """Start a procedure as a juriste of bailleur `org`; its id."""
    response = await stack.http.post("/api/procedures", json=body, headers=stack.token(org))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def imported_at_parquet(days_ago: int) -> dict[str, Any]:
    """A signalement to the parquet transmitted `days_ago` days ago, awaiting its decision."""
    sent = TODAY - timedelta(days=days_ago)
    return signalement_body(
        destinataire="parquet",
        faits_le=f"{sent - timedelta(days=1)}T22:00:00+01:00",
        en_cours={"etape": "decision_parquet", "dates": {"transmission": sent.isoformat()}},
    )


async def tasks(stack: Stack, org: str, role: str = "agent", sub: str = "", **params: Any) -> Any:
    """The inbox of `org` as person `sub`."""
    response = await stack.http.get(
        "/api/tasks", params=params, headers=headers(stack, org, role, sub or f"{role}@{org}")
    )
    assert response.status_code == 200, response.text
    return response.json()


async def detail(stack: Stack, procedure_id: str, org: str) -> Any:
    """The procedure as `org` sees it."""
    response = await stack.http.get(f"/api/procedures/{procedure_id}", headers=stack.token(org))
    assert response.status_code == 200, response.text
    return response.json()


async def complete(
    stack: Stack, procedure_id: str, key: str, org: str, outcome: str, **data: Any
) -> Any:
    """Complete step `key` today as a juriste of `org`."""
    response = await stack.http.post(
        f"/api/procedures/{procedure_id}/steps/{key}",
        json={"outcome": outcome, "date": TODAY.isoformat(), "data": data},
        headers=stack.token(org),
    )
    assert response.status_code == 200, response.text
    return response.json()


def step_of(procedure: dict[str, Any], key: str) -> dict[str, Any]:
    """The last occurrence of step `key` in a procedure's detail."""
    return [s for s in procedure["steps"] if s["key"] == key][-1]


async def test_parquet_inbox_lists_both_bailleurs_requests_with_ages_and_flags(stack):
    own = await start(stack, BAILLEUR, signalement_body(destinataire="parquet"))
    own_lease = await start(stack, BAILLEUR, resiliation_body())
    forty = await start(stack, BAILLEUR, imported_at_parquet(40))
    seventy = await start(stack, BAILLEUR, imported_at_parquet(70))
    other = await start(
        stack, OTHER_BAILLEUR, signalement_body(destinataire="parquet", residence=ETAMPES)
    )
    other_lease = await start(stack, OTHER_BAILLEUR, resiliation_body())

    async def full_inbox() -> Any:
        body = await tasks(stack, PARQUET)
        return body if body["total"] == 6 else None

    inbox = await eventually(full_inbox)
    items = {t["procedure_id"]: t for t in inbox["items"]}
    assert set(items) == {own, own_lease, forty, seventy, other, other_lease}
    assert {p: t["age_days"] for p, t in items.items()} == {
        own: 0,
        own_lease: 0,
        forty: 40,
        seventy: 70,
        other: 0,
        other_lease: 0,
    }
    # The convention gives the parquet 2 months to decide: 40 days is in time, 70 is late.
    assert {p for p, t in items.items() if t["overdue"]} == {seventy}
    assert items[forty]["due"] > TODAY.isoformat() > items[seventy]["due"]
    assert inbox["items"][0]["procedure_id"] == seventy
    assert items[own_lease]["key"] == items[other_lease]["key"] == "demande_information_parquet"
    assert items[other]["bailleur"]["id"] == OTHER_BAILLEUR
    assert items[other]["commune"]["insee"] == "91223"
    assert inbox["counts"] == {
        "by_step": {"decision_parquet": 4, "demande_information_parquet": 2},
        "by_kind": {"resiliation": 2, "signalement": 4},
        "overdue": 1,
    }
    theirs = await tasks(stack, PARQUET, bailleur=OTHER_BAILLEUR)
    assert {t["procedure_id"] for t in theirs["items"]} == {other, other_lease}
    late = await tasks(stack, PARQUET, overdue="true", step="decision_parquet")
    assert [t["procedure_id"] for t in late["items"]] == [seventy]

    mine = {own, own_lease, forty, seventy}
    for org, visible, hidden in (
        (BAILLEUR, mine, {other, other_lease}),
        (OTHER_BAILLEUR, {other, other_lease}, mine),
    ):
        listed = await stack.http.get("/api/procedures", headers=stack.token(org))
        assert {p["id"] for p in listed.json()["items"]} == visible
        for procedure_id in hidden:
            response = await stack.http.get(
                f"/api/procedures/{procedure_id}", headers=stack.token(org)
            )
            assert response.status_code == 404
        inbox_ids = {t["procedure_id"] for t in (await tasks(stack, org))["items"]}
        assert inbox_ids <= visible


async def test_a_manager_assigns_then_moves_the_steps_of_a_person(stack):
    ids = [await start(stack, BAILLEUR, signalement_body(destinataire="parquet")) for _ in range(4)]
    first, second, third, decided = ids
    police_case = await start(stack, BAILLEUR, signalement_body())
    manager = headers(stack, PARQUET, "manager", "chef-parquet")

    async def assign(procedure_id: str, key: str, sub: str, who: dict[str, str] = manager) -> Any:
        return await stack.http.post(
            f"/api/procedures/{procedure_id}/steps/{key}/assignee", json={"sub": sub}, headers=who
        )

    for procedure_id, sub in (
        (first, "substitut-a"),
        (second, "substitut-a"),
        (third, "substitut-c"),
        (decided, "substitut-a"),
    ):
        response = await assign(procedure_id, "decision_parquet", sub)
        assert response.status_code == 200, response.text
        assert step_of(response.json(), "decision_parquet")["assignee_sub"] == sub
    police = headers(stack, POLICE_EVRY, "manager", "chef-police")
    assert (await assign(police_case, "accuse_reception", "substitut-a", police)).status_code == 200
    await complete(stack, decided, "decision_parquet", PARQUET, "alternative")

    agent = await assign(first, "decision_parquet", "substitut-z", stack.token(PARQUET, "agent"))
    assert agent.status_code == 403 and "responsable" in agent.json()["detail"]
    bailleur = headers(stack, BAILLEUR, "manager", "chef-bailleur")
    elsewhere = await assign(first, "decision_parquet", "substitut-z", bailleur)
    assert elsewhere.status_code == 403 and "autre organisation" in elsewhere.json()["detail"]
    assert (await assign(decided, "decision_parquet", "substitut-z")).status_code == 409
    assert (await assign(first, "transmission", "substitut-z")).status_code == 409

    mine = await tasks(stack, PARQUET, "agent", "substitut-a", mine="true")
    assert {t["procedure_id"] for t in mine["items"]} == {first, second}
    refused = await stack.http.post(
        "/api/tasks/reassign",
        json={"from": "substitut-a", "to": "substitut-b"},
        headers=stack.token(PARQUET, "agent"),
    )
    assert refused.status_code == 403

    moved = await stack.http.post(
        "/api/tasks/reassign", json={"from": "substitut-a", "to": "substitut-b"}, headers=manager
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["count"] == 2
    assert sorted((m["procedure_id"], m["key"]) for m in moved.json()["moved"]) == sorted(
        [(first, "decision_parquet"), (second, "decision_parquet")]
    )
    by_person = {
        sub: {
            t["procedure_id"]
            for t in (await tasks(stack, PARQUET, "manager", assignee=sub))["items"]
        }
        for sub in ("substitut-a", "substitut-b", "substitut-c")
    }
    assert by_person == {
        "substitut-a": set(),
        "substitut-b": {first, second},
        "substitut-c": {third},
    }
    still = await tasks(stack, POLICE_EVRY, "agent", "substitut-a", mine="true")
    assert [t["procedure_id"] for t in still["items"]] == [police_case]
    done = step_of(await detail(stack, decided, PARQUET), "decision_parquet")
    assert done["status"] == "done" and done["assignee_sub"] == "substitut-a"

    timeline = [
        e for e in (await detail(stack, first, PARQUET))["events"] if e["type"] == "assigned"
    ]
    assert [(e["sub"], e["org"]) for e in timeline] == [("chef-parquet", PARQUET)] * 2
    assert "confiée à substitut-a" in timeline[0]["message"]
    assert "confiée à substitut-b (au lieu de substitut-a)" in timeline[1]["message"]


def courrier_plainte(**changes: Any) -> dict[str, Any]:
    """A plainte of the bailleur sent by letter to the procureur, for facts of last week."""
    body = plainte_body(canal="courrier_procureur", **changes)
    body["faits"]["le"] = f"{TODAY - timedelta(days=7)}T23:00:00+01:00"
    return body


async def to_parquet_decision(stack: Stack, plainte_id: str) -> None:
    """Drive a plainte by letter up to the parquet's decision."""
    await complete(stack, plainte_id, "preparation_dossier", BAILLEUR, "pret")
    await complete(
        stack, plainte_id, "depot_plainte", BAILLEUR, "enregistree", numero_procedure="2026/123"
    )
    await complete(stack, plainte_id, "enquete", POLICE_EVRY, "transmise_parquet")


async def test_a_decision_entered_once_is_repeated_in_the_linked_signalement(stack):
    signalement = await start(stack, BAILLEUR, signalement_body(destinataire="parquet"))
    plainte = await start(stack, BAILLEUR, courrier_plainte(liens=[{"procedure_id": signalement}]))
    origin = (await detail(stack, plainte, BAILLEUR))["links"]
    assert [(lk["procedure_id"], lk["relation"], lk["kind"]) for lk in origin] == [
        (signalement, "origine", "signalement")
    ]
    follow = (await detail(stack, signalement, BAILLEUR))["links"]
    assert [(lk["procedure_id"], lk["relation"], lk["kind"]) for lk in follow] == [
        (plainte, "suite", "plainte")
    ]

    await to_parquet_decision(stack, plainte)
    waiting = await tasks(stack, PARQUET, step="decision_parquet")
    assert {t["procedure_id"] for t in waiting["items"]} == {signalement, plainte}
    assert waiting["counts"]["by_kind"] == {"plainte": 1, "signalement": 1}

    await complete(
        stack, plainte, "decision_parquet", PARQUET, "classement", motif="Auteur inconnu"
    )

    async def repeated() -> Any:
        step = step_of(await detail(stack, signalement, PARQUET), "decision_parquet")
        return step if step["status"] == "done" else None

    step = await eventually(repeated)
    assert step["outcome"] == "classement" and step["data"] == {"motif": "Auteur inconnu"}
    assert step["completed_on"] == TODAY.isoformat()
    left = await tasks(stack, PARQUET, step="decision_parquet")
    assert left["items"] == []
    seen_by_parquet = (await detail(stack, signalement, PARQUET))["links"]
    assert seen_by_parquet[0]["kind"] == "plainte"


async def test_a_conviction_of_a_tenant_starts_a_linked_resiliation(stack):
    plainte = await start(stack, BAILLEUR, courrier_plainte())
    body = {
        "logement_reference": "LGT-0077",
        "bail": {"reference": "B-2021-0077", "date_effet": "2021-02-01"},
        "impayes": False,
    }
    url = f"/api/procedures/{plainte}/resiliation"
    early = await stack.http.post(url, json=body, headers=stack.token(BAILLEUR))
    assert early.status_code == 409 and "Aucune condamnation" in early.json()["detail"]

    await to_parquet_decision(stack, plainte)
    await complete(
        stack, plainte, "decision_parquet", PARQUET, "poursuites", audience=TODAY.isoformat()
    )
    court = step_of(await detail(stack, plainte, BAILLEUR), "audience_penale")["org"]
    await complete(stack, plainte, "audience_penale", court, "jugement")
    judged = await complete(
        stack, plainte, "jugement_penal", court, "condamnation", condamne_locataire=True
    )
    assert judged["suggestions"] == ["resiliation"]

    assert (await stack.http.post(url, json=body, headers=stack.token(PARQUET))).status_code == 403
    stranger = await stack.http.post(url, json=body, headers=stack.token(OTHER_BAILLEUR))
    assert stranger.status_code == 404
    created = await stack.http.post(url, json=body, headers=stack.token(BAILLEUR))
    assert created.status_code == 201, created.text
    resiliation = created.json()
    facts = resiliation["facts"]
    assert resiliation["kind"] == "resiliation"
    assert facts["logement"] == {"residence": plainte_body()["residence"], "reference": "LGT-0077"}
    assert facts["locataires"] == [{"nom": "Quiétudetest", "prenom": "Zéphyrin"}]
    assert facts["motifs"] == ["troubles_jouissance"] and facts["origine"] == "bailleur"
    assert [(lk["procedure_id"], lk["relation"], lk["kind"]) for lk in resiliation["links"]] == [
        (plainte, "origine", "plainte")
    ]
    back = (await detail(stack, plainte, BAILLEUR))["links"]
    assert [(lk["procedure_id"], lk["relation"], lk["kind"]) for lk in back] == [
        (resiliation["id"], "suite", "resiliation")
    ]
    again = await stack.http.post(url, json=body, headers=stack.token(BAILLEUR))
    assert again.status_code == 409 and resiliation["id"] in again.json()["detail"]
