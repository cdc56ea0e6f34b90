"""The access log through the API: what is recorded, who reads it; front-line staff's view."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, delete
from sqlmodel import Session

from domain.actors import Actor
from domain.steps import StepStatus
from store.access_log import entries_for
from store.tables import AccessEntry, Document
from tests.api.rows import BAILLEUR, OTHER_BAILLEUR, PARQUET, POLICE_EVRY, project, step
from tests.fixtures import Tokens

A_ID = "signalement-2026-000001"
B_ID = "signalement-2026-000002"
OPENED = date(2026, 11, 23)


@pytest.fixture
def procedures(engine: Engine, tmp_path: Path) -> Iterator[None]:
    """A's procedure waits for the police and has a document; B's has gone to the parquet."""
    with Session(engine) as session:
        session.exec(delete(AccessEntry))  # type: ignore[call-overload]
        session.commit()
    project(engine, A_ID, [step("accuse_reception", POLICE_EVRY, OPENED)])
    done = step(
        "accuse_reception", POLICE_EVRY, OPENED, status=StepStatus.DONE, completed_on=OPENED
    )
    parquet = step("decision_parquet", PARQUET, OPENED, actor=Actor.PARQUET, hour=10)
    project(engine, B_ID, [done, parquet], bailleur=OTHER_BAILLEUR)
    path = tmp_path / "fiche.docx"
    path.write_bytes(b"PK fiche")
    with Session(engine) as session:
        session.add(
            Document(
                id="doc-a",
                procedure_id=A_ID,
                kind="fiche_signalement",
                filename="fiche.docx",
                sha256="0" * 64,
                path=str(path),
                size=8,
                created_at=datetime.now(UTC),
            )
        )
        session.commit()
    yield
    with Session(engine) as session:
        session.exec(delete(AccessEntry))  # type: ignore[call-overload]
        session.commit()


def _entries(engine: Engine) -> list[AccessEntry]:
    with Session(engine) as session:
        return entries_for(session)[0]


@pytest.mark.usefixtures("procedures")
async def test_reads_downloads_and_completions_are_recorded(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    assert (
        await client.get(f"/api/procedures/{A_ID}", headers=auth(BAILLEUR, "juriste"))
    ).is_success
    assert (await client.get("/api/documents/doc-a", headers=auth(BAILLEUR, "juriste"))).is_success
    completion = {"outcome": "recu", "date": "2026-11-24"}
    done = await client.post(
        f"/api/procedures/{A_ID}/steps/accuse_reception", json=completion, headers=auth(POLICE_EVRY)
    )
    assert done.status_code == 200
    recorded = [
        (e.sub, e.org, e.role, e.action, e.procedure_id, e.target) for e in _entries(engine)
    ]
    assert recorded == [
        (f"juriste@{BAILLEUR}", BAILLEUR, "juriste", "lecture", A_ID, None),
        (f"juriste@{BAILLEUR}", BAILLEUR, "juriste", "telechargement_document", A_ID, "doc-a"),
        (f"agent@{POLICE_EVRY}", POLICE_EVRY, "agent", "etape_accomplie", A_ID, "accuse_reception"),
    ]


@pytest.mark.usefixtures("procedures")
async def test_a_refused_read_records_nothing(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    assert (await client.get(f"/api/procedures/{B_ID}", headers=auth(BAILLEUR))).status_code == 404
    assert _entries(engine) == []


@pytest.mark.usefixtures("procedures")
async def test_only_the_admin_reads_the_log_of_its_organisation(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    await client.get(f"/api/procedures/{A_ID}", headers=auth(BAILLEUR, "juriste"))
    await client.get(f"/api/procedures/{A_ID}", headers=auth(POLICE_EVRY, "agent"))
    await client.get(f"/api/procedures/{B_ID}", headers=auth(OTHER_BAILLEUR, "juriste"))
    for role in ("agent", "juriste", "manager"):
        refused = await client.get("/api/access-log", headers=auth(BAILLEUR, role))
        assert refused.status_code == 403
        assert "admin" in refused.json()["detail"]
    own = await client.get("/api/access-log", headers=auth(BAILLEUR, "admin"))
    assert own.status_code == 200
    # The bailleur sees every access to its procedures, the police's included.
    assert [(e["org"], e["procedure_id"]) for e in own.json()["items"]] == [
        (BAILLEUR, A_ID),
        (POLICE_EVRY, A_ID),
    ]
    police = await client.get("/api/access-log", headers=auth(POLICE_EVRY, "admin"))
    assert [e["org"] for e in police.json()["items"]] == [POLICE_EVRY]
    exported = await client.get("/api/access-log?format=csv", headers=auth(BAILLEUR, "admin"))
    assert exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.strip().splitlines()
    assert lines[0] == "seq,at,sub,org,role,action,procedure_id,target,detail"
    assert len(lines) == 3 and OTHER_BAILLEUR not in exported.text


@pytest.mark.usefixtures("procedures")
async def test_a_bailleur_agent_sees_progress_not_personal_data(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    agent = await client.get(f"/api/procedures/{A_ID}", headers=auth(BAILLEUR, "agent"))
    juriste = await client.get(f"/api/procedures/{A_ID}", headers=auth(BAILLEUR, "juriste"))
    assert juriste.json()["facts"]["personnes"][0]["nom"] == "Durand"
    assert juriste.json()["documents"]
    body = agent.json()
    assert "Durand" not in agent.text
    assert set(body["facts"]) == {"kind", "residence"}
    assert body["status"] == "open" and body["documents"] == []
    assert [(s["label"], s["status"]) for s in body["steps"]] == [
        ("Étape accuse_reception", "pending")
    ]
    for path in (
        "/api/documents/doc-a",
        f"/api/procedures/{A_ID}/documents",
        f"/api/procedures/{A_ID}/pieces",
        f"/api/procedures/{A_ID}/dossier",
    ):
        refused = await client.get(path, headers=auth(BAILLEUR, "agent"))
        assert refused.status_code == 403, path
        assert "agent" in refused.json()["detail"]
    for role in ("manager", "admin"):
        allowed = await client.get("/api/documents/doc-a", headers=auth(BAILLEUR, role))
        assert allowed.status_code == 200


async def test_every_answer_carries_the_security_headers(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    for response in (
        await client.get("/api/healthz"),
        await client.get("/api/organisations", headers=auth(BAILLEUR)),
        await client.get("/api/procedures/inconnue", headers=auth(BAILLEUR)),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
