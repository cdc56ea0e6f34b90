"""A signalement through HTTP on the real stack: the issue's acceptance sequence."""

from __future__ import annotations

import io
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from docx import Document as Docx
from sqlmodel import Session, select

from store.tables import Procedure
from tests.builders import BAILLEUR, OTHER_BAILLEUR, POLICE_EVRY, signalement_body

GENDARMERIE_ABBEVILLE = "gendarmerie-merevillois"  # competent for 91001
TODAY = date.today()


def today_paris() -> str:
    from datetime import datetime

    return datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()


async def inbox(stack, org: str) -> list[str]:
    response = await stack.http.get("/api/tasks", headers=stack.token(org, "agent"))
    assert response.status_code == 200
    return [t["procedure_id"] for t in response.json()["items"]]


async def test_signalement_routed_to_the_competent_force_and_moved_on(stack):
    bailleur = stack.token(BAILLEUR)
    created = await stack.http.post("/api/procedures", json=signalement_body(), headers=bailleur)
    assert created.status_code == 201, created.text
    procedure = created.json()
    evry_id = procedure["id"]
    assert evry_id.startswith("signalement-")
    pending = [s for s in procedure["steps"] if s["status"] == "pending"]
    assert [(s["key"], s["org"]) for s in pending] == [("accuse_reception", POLICE_EVRY)]

    rural = signalement_body(
        residence={
            "nom": "Résidence du Moulin",
            "adresse": "1 rue du Moulin",
            "commune_insee": "91001",
        }
    )
    created = await stack.http.post("/api/procedures", json=rural, headers=bailleur)
    assert created.status_code == 201, created.text
    rural_id = created.json()["id"]

    assert evry_id in await inbox(stack, POLICE_EVRY)
    assert rural_id not in await inbox(stack, POLICE_EVRY)
    assert rural_id in await inbox(stack, GENDARMERIE_ABBEVILLE)
    assert evry_id not in await inbox(stack, GENDARMERIE_ABBEVILLE)

    url = f"/api/procedures/{evry_id}/steps/accuse_reception"
    body = {"outcome": "recu", "date": today_paris()}
    as_bailleur = await stack.http.post(url, json=body, headers=bailleur)
    assert as_bailleur.status_code == 403 and "autre organisation" in as_bailleur.json()["detail"]
    as_stranger = await stack.http.post(url, json=body, headers=stack.token(GENDARMERIE_ABBEVILLE))
    assert as_stranger.status_code == 404
    unknown = await stack.http.post(
        url, json={**body, "outcome": "vu"}, headers=stack.token(POLICE_EVRY)
    )
    assert unknown.status_code == 422 and "recu" in unknown.json()["detail"]

    done = await stack.http.post(url, json=body, headers=stack.token(POLICE_EVRY))
    assert done.status_code == 200, done.text
    pending = [s["key"] for s in done.json()["steps"] if s["status"] == "pending"]
    assert pending == ["retour_information"]
    again = await stack.http.post(url, json=body, headers=stack.token(POLICE_EVRY))
    assert again.status_code == 409

    other = await stack.http.get(f"/api/procedures/{evry_id}", headers=stack.token(OTHER_BAILLEUR))
    assert other.status_code == 404

    detail = (await stack.http.get(f"/api/procedures/{evry_id}", headers=bailleur)).json()
    fiche = next(d for d in detail["documents"] if d["kind"] == "fiche_signalement")
    download = await stack.http.get(f"/api/documents/{fiche['id']}", headers=bailleur)
    assert download.status_code == 200
    text = "\n".join(
        c.text for t in Docx(io.BytesIO(download.content)).tables for r in t.rows for c in r.cells
    )
    assert "Résidence des Tilleuls" in text
    stranger = await stack.http.get(
        f"/api/documents/{fiche['id']}", headers=stack.token(OTHER_BAILLEUR)
    )
    assert stranger.status_code == 404


async def test_imported_dossier_is_overdue_at_once(stack):
    body = signalement_body(
        en_cours={
            "etape": "retour_information",
            "dates": {"transmission": "2026-10-01", "accuse_reception": "2026-10-02"},
        }
    )
    created = await stack.http.post("/api/procedures", json=body, headers=stack.token(BAILLEUR))
    assert created.status_code == 201, created.text
    step = next(s for s in created.json()["steps"] if s["key"] == "retour_information")
    # 15 days from 2 October 2026 → Saturday 17 October → Monday 19 October 2026.
    assert step["due"] == "2026-10-19" and step["overdue"] is True
    overdue = await stack.http.get(
        "/api/tasks", params={"overdue": "true"}, headers=stack.token(POLICE_EVRY, "agent")
    )
    assert created.json()["id"] in [t["procedure_id"] for t in overdue.json()["items"]]


async def test_refused_start_writes_nothing(stack):
    body = signalement_body(
        en_cours={"etape": "retour_information", "dates": {"transmission": "2026-10-01"}}
    )
    refused = await stack.http.post("/api/procedures", json=body, headers=stack.token(BAILLEUR))
    assert refused.status_code == 422
    assert "Date manquante" in refused.json()["detail"]
    future = signalement_body(faits_le=f"{TODAY + timedelta(days=3)}T10:00:00+01:00")
    refused = await stack.http.post("/api/procedures", json=future, headers=stack.token(BAILLEUR))
    assert refused.status_code == 422 and "futur" in refused.json()["detail"]
    by_police = await stack.http.post(
        "/api/procedures", json=signalement_body(), headers=stack.token(POLICE_EVRY)
    )
    assert by_police.status_code == 403
    with Session(stack.engine) as session:
        assert session.exec(select(Procedure)).all() == []
    workflows = [
        w async for w in stack.client.list_workflows(f"TaskQueue = '{stack.settings.task_queue}'")
    ]
    assert workflows == []
