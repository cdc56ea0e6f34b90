"""`quietude check` on the real stack: a corrupted read model is reported, then repaired."""

from __future__ import annotations

from sqlalchemy import text

from quietude.drift import check_drift, report
from tests.builders import BAILLEUR, signalement_body


async def test_check_reports_drift_and_repair_reprojects_from_the_workflow(stack):
    created = await stack.http.post(
        "/api/procedures", json=signalement_body(), headers=stack.token(BAILLEUR)
    )
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    queue = stack.settings.task_queue
    assert await check_drift(stack.client, stack.engine, queue) == []

    with stack.engine.begin() as connection:
        connection.execute(
            text("UPDATE step SET status = 'done', outcome = 'recu' WHERE id = :id"),
            {"id": f"{pid}:accuse_reception:1"},
        )
        connection.execute(
            text("DELETE FROM event WHERE procedure_id = :pid AND seq = 2"), {"pid": pid}
        )
        connection.execute(
            text(
                "INSERT INTO event (procedure_id, seq, at, type, message, data) "
                "VALUES (:pid, 999, CURRENT_TIMESTAMP, 'note', 'fantôme', '{}')"
            ),
            {"pid": pid},
        )

    [drift] = await check_drift(stack.client, stack.engine, queue)
    assert drift.procedure_id == pid and not drift.repaired
    assert drift.differences == [
        "étape accuse_reception (1), statut : done au lieu de pending",
        "étape accuse_reception (1), issue : recu au lieu de None",
        "événements manquants : 2",
        "événements en trop : 999",
    ]
    assert report([drift]) == 1

    [drift] = await check_drift(stack.client, stack.engine, queue, repair_drift=True)
    assert drift.repaired
    assert await check_drift(stack.client, stack.engine, queue) == []
    detail = await stack.http.get(f"/api/procedures/{pid}", headers=stack.token(BAILLEUR))
    steps = {s["key"]: s["status"] for s in detail.json()["steps"]}
    assert steps["accuse_reception"] == "pending"
