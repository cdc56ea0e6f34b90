"""The demo data: each demo bailleur's procedures lie in the départements of its résidences,
the landlord across départements' in Essonne, Seine-Saint-Denis and Hauts-de-Seine."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from quietude.demo import create_demo
from quietude.procedures import StartRequest
from store.tables import Commune


class RecordingStarter:
    """A procedure service that records the starts asked for and opens nothing."""

    def __init__(self) -> None:
        self.requests: list[StartRequest] = []

    async def start(self, request: StartRequest) -> str:
        self.requests.append(request)
        return f"demo-{len(self.requests)}"


def _place(facts: object) -> str:
    body = facts.model_dump()  # type: ignore[attr-defined]
    residence = body["logement"]["residence"] if "logement" in body else body["residence"]
    return str(residence["commune_insee"])


async def test_demo_procedures_spread_over_each_bailleurs_departements(
    reference_engine: Engine,
) -> None:
    starter = RecordingStarter()
    ids = await create_demo(starter, reference_engine, 60, seed=91, today=date(2026, 11, 23))
    assert len(ids) == 60
    departements: dict[str, set[str]] = defaultdict(set)
    with Session(reference_engine) as session:
        for request in starter.requests:
            commune = session.get(Commune, _place(request.facts))
            assert commune is not None
            departements[request.caller.org].add(commune.departement)
    assert departements == {
        "demo-habitat-essonne": {"91"},
        "demo-logis-sud": {"91"},
        "demo-foyers-idf": {"91", "92", "93"},
    }


async def test_the_communes_asked_for_hold_every_demo_procedure(reference_engine: Engine) -> None:
    starter = RecordingStarter()
    await create_demo(starter, reference_engine, 12, communes=("93008",), seed=3)
    assert {_place(request.facts) for request in starter.requests} == {"93008"}
