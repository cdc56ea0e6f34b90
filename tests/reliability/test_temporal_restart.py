"""The Temporal server stopped and restarted on the same SQLite file under load: the API
answers 503 in French meanwhile (never 500), the same calls succeed once it is back, and every
procedure resumes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from quietude.procedures import today_in_paris
from quietude.temporal_client import connect
from tests.builders import BAILLEUR, POLICE_EVRY, signalement_body
from tests.fixtures import asgi_client, bearer, make_app
from tests.reliability.harness import Reliability, audit

IN_FLIGHT = 10
BOUND_SECONDS = 60


@pytest.fixture
async def http(reliability: Reliability) -> AsyncIterator[httpx.AsyncClient]:
    # The app connects to the stack's Temporal server as in production.
    app = make_app(reliability.settings, reliability.service.engine, connect)
    async with asgi_client(app, "http://test") as client:
        yield client


def headers(stack: Reliability, org: str, role: str) -> dict[str, str]:
    return bearer(stack.settings, org, role)


async def until_accepted(call, bound: float = BOUND_SECONDS) -> httpx.Response:
    """Retry an API call answered 503 until it is accepted; never a 500."""
    deadline = time.monotonic() + bound
    while True:
        response = await call()
        assert response.status_code != 500, response.text
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.5)


async def test_temporal_restart_answers_503_then_resumes(
    reliability: Reliability, http: httpx.AsyncClient
):
    bailleur = headers(reliability, BAILLEUR, "juriste")
    police = headers(reliability, POLICE_EVRY, "agent")
    today = today_in_paris().isoformat()

    async def create() -> httpx.Response:
        return await http.post("/api/procedures", json=signalement_body(), headers=bailleur)

    created = await asyncio.gather(*(create() for _ in range(IN_FLIGHT)))
    assert [r.status_code for r in created] == [201] * IN_FLIGHT
    pids = [r.json()["id"] for r in created]

    def step(pid: str, key: str, outcome: str):
        url = f"/api/procedures/{pid}/steps/{key}"
        body = {"outcome": outcome, "date": today}
        return lambda: http.post(url, json=body, headers=police)

    first_half = pids[: IN_FLIGHT // 2]
    acks = await asyncio.gather(*(step(p, "accuse_reception", "recu")() for p in first_half))
    assert [r.status_code for r in acks] == [200] * len(first_half)

    reliability.server.stop()
    refused = await asyncio.gather(step(pids[-1], "accuse_reception", "recu")(), create())
    for response in refused:
        assert response.status_code == 503, response.text
        assert "injoignable" in response.json()["detail"]
    listing = await http.get("/api/procedures", headers=bailleur)
    assert listing.status_code == 200  # the read model still answers

    await reliability.server.start()
    # The very calls refused during the outage, made again.
    retried = await until_accepted(step(pids[-1], "accuse_reception", "recu"))
    assert retried.status_code == 200, retried.text
    again = await until_accepted(create)
    assert again.status_code == 201, again.text
    pids.append(again.json()["id"])

    remaining = [p for p in pids if p not in first_half and p != pids[IN_FLIGHT - 1]]
    acks = await asyncio.gather(
        *(until_accepted(step(p, "accuse_reception", "recu")) for p in remaining)
    )
    assert [r.status_code for r in acks] == [200] * len(remaining)
    answers = await asyncio.gather(
        *(until_accepted(step(p, "retour_information", "intervention_realisee")) for p in pids)
    )
    assert [r.status_code for r in answers] == [200] * len(pids)
    await reliability.wait_closing(pids, BOUND_SECONDS)

    result = await audit(reliability, pids)
    assert result.wrong_steps == [] and result.event_gaps == []
    assert (result.missing_steps, result.duplicated, result.drifts) == (0, 0, 0)
    assert result.documents == len(pids)
