"""A completion retried with its Idempotency-Key, across an API restart, is done once."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

import httpx
from sqlmodel import Session, select

from store.tables import Event, Step
from tests.builders import BAILLEUR, POLICE_EVRY, signalement_body
from tests.fixtures import asgi_client, connector_to, make_app


def second_api(stack) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """Another API process over the same read model and Temporal (the first one restarted)."""
    app = make_app(stack.settings, stack.engine, connector_to(stack.client))
    return asgi_client(app, "http://test")


async def test_a_retried_completion_answers_the_same_and_completes_once(stack):
    created = await stack.http.post(
        "/api/procedures", json=signalement_body(), headers=stack.token(BAILLEUR)
    )
    pid = created.json()["id"]
    url = f"/api/procedures/{pid}/steps/accuse_reception"
    sent_on = created.json()["steps"][0]["completed_on"]  # the transmission
    body = {"outcome": "recu", "date": sent_on}
    headers = {**stack.token(POLICE_EVRY, "agent"), "Idempotency-Key": "ar-1"}
    first = await stack.http.post(url, json=body, headers=headers)
    assert first.status_code == 200, first.text

    async with second_api(stack) as restarted:
        again = await restarted.post(url, json=body, headers=headers)
        assert again.status_code == 200, again.text
        assert again.json()["steps"] == first.json()["steps"]
        other = await restarted.post(url, json={**body, "outcome": "vu"}, headers=headers)
        assert other.status_code == 422 and "clé d'idempotence" in other.json()["detail"]
        plain = await restarted.post(url, json=body, headers=stack.token(POLICE_EVRY, "agent"))
        assert plain.status_code == 409  # without the key, a second completion is refused

    with Session(stack.engine) as session:
        steps = session.exec(
            select(Step).where(Step.procedure_id == pid, Step.key == "accuse_reception")
        ).all()
        completions = session.exec(
            select(Event).where(
                Event.procedure_id == pid,
                Event.type == "step_completed",
                Event.step_key == "accuse_reception",
            )
        ).all()
    assert [s.status for s in steps] == ["done"] and len(completions) == 1
