"""A sworn agent through HTTP: sworn in, its PVs received, then refused while suspended."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.builders import BAILLEUR, PREFECTURE, TRIBUNAL, assermentation_body, signalement_body


def today() -> str:
    return datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()


async def act(stack, procedure_id, key, outcome, org, **data):
    done = await stack.http.post(
        f"/api/procedures/{procedure_id}/steps/{key}",
        json={"outcome": outcome, "date": today(), "data": data},
        headers=stack.token(org),
    )
    assert done.status_code == 200, done.text
    return done.json()


def pv_body(agent_id: str) -> dict:
    return signalement_body(
        source="agent_assermente",
        agent_assermente=agent_id,
        infraction="R. 635-1",
        faits_le=f"{today()}T08:00:00+01:00",
        destinataire="parquet",
    )


async def test_a_pv_is_refused_while_its_author_is_suspended(stack):
    created = await stack.http.post(
        "/api/procedures", json=assermentation_body(), headers=stack.token(BAILLEUR)
    )
    assert created.status_code == 201, created.text
    agent = created.json()["id"]
    early = await stack.http.post(
        "/api/procedures", json=pv_body(agent), headers=stack.token(BAILLEUR)
    )
    assert early.status_code == 422 and "pas encore assermenté" in early.json()["detail"]

    await act(stack, agent, "formation", "suivie", BAILLEUR, heures=12)
    await act(stack, agent, "aptitude_technique", "reconnue", PREFECTURE, arrete_le=today())
    await act(stack, agent, "commission", "signee", BAILLEUR)
    await act(stack, agent, "demande_agrement", "deposee", BAILLEUR, pieces_completes=True)
    await act(stack, agent, "instruction_agrement", "agree", PREFECTURE, arrete_le=today())
    await act(stack, agent, "carte_agrement", "delivree", BAILLEUR, visa_le=today())
    sworn = await act(stack, agent, "prestation_serment", "pretee", TRIBUNAL)
    assert any(m["label"] == "Agent actif depuis le" for m in sworn["milestones"])

    received = await stack.http.post(
        "/api/procedures", json=pv_body(agent), headers=stack.token(BAILLEUR)
    )
    assert received.status_code == 201, received.text
    pv = received.json()
    assert [link["procedure_id"] for link in pv["links"]] == [agent]
    transmission = next(s for s in pv["steps"] if s["key"] == "transmission_pv")
    assert transmission["status"] == "pending"  # to the procureur within 5 days
    other_offence = {**pv_body(agent), "infraction": "R. 645-1"}
    refused = await stack.http.post(
        "/api/procedures", json=other_offence, headers=stack.token(BAILLEUR)
    )
    assert refused.status_code == 422 and "commission" in refused.json()["detail"]

    suspended = await stack.http.post(
        f"/api/procedures/{agent}/declarations",
        json={"type": "suspension", "date": today()},
        headers=stack.token(PREFECTURE),
    )
    assert suspended.status_code == 200, suspended.text
    refused = await stack.http.post(
        "/api/procedures", json=pv_body(agent), headers=stack.token(BAILLEUR)
    )
    assert refused.status_code == 422
    assert "suspendu" in refused.json()["detail"]


async def test_the_register_lists_the_agents_and_their_pvs(stack):
    created = await stack.http.post(
        "/api/procedures", json=assermentation_body(), headers=stack.token(BAILLEUR)
    )
    agent = created.json()["id"]
    for key, outcome, org, data in (
        ("formation", "suivie", BAILLEUR, {"heures": 12}),
        ("aptitude_technique", "reconnue", PREFECTURE, {"arrete_le": today()}),
        ("commission", "signee", BAILLEUR, {}),
        ("demande_agrement", "deposee", BAILLEUR, {"pieces_completes": True}),
        ("instruction_agrement", "agree", PREFECTURE, {"arrete_le": today()}),
        ("carte_agrement", "delivree", BAILLEUR, {"visa_le": today()}),
        ("prestation_serment", "pretee", TRIBUNAL, {}),
    ):
        await act(stack, agent, key, outcome, org, **data)
    for _ in range(2):
        pv = await stack.http.post(
            "/api/procedures", json=pv_body(agent), headers=stack.token(BAILLEUR)
        )
        assert pv.status_code == 201, pv.text
    register = await stack.http.get("/api/assermentations", headers=stack.token(BAILLEUR))
    [entry] = [a for a in register.json()["items"] if a["procedure_id"] == agent]
    assert (entry["statut"], entry["pv"], entry["pv_en_retard"]) == ("Agent actif depuis le", 2, 0)
    assert entry["residences"] == ["Résidence des Tilleuls"]
    within = await stack.http.get(
        "/api/assermentations", params={"fin_dans_mois": 12}, headers=stack.token(BAILLEUR)
    )
    assert agent not in [a["procedure_id"] for a in within.json()["items"]]  # valid 5 years
    exported = await stack.http.get(
        "/api/assermentations", params={"format": "csv"}, headers=stack.token(BAILLEUR)
    )
    assert exported.headers["content-type"].startswith("text/csv")
    assert "Quiétudetest" in exported.content.decode("utf-8-sig")
    refused = await stack.http.get("/api/assermentations", headers=stack.token(PREFECTURE))
    assert refused.status_code == 403
