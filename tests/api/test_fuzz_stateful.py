"""Fuzzing sequences of calls (schemathesis' stateful phase), in process, on each database: a
procedure started, then read, acted on and listed through the ids its answer gives (OpenAPI
links), as a bailleur's juriste and manager and as the police the procedure involves; no 5xx
and no answer off its schema in states reachable only after a start."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import settings
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.generation.stateful.state_machine import APIStateMachine
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from domain.actors import Role
from store.tables import Procedure
from tests.api.fuzzing import SETTINGS, Headers, no_lifespan, no_server_error
from tests.api.numbering_service import NumberingService
from tests.api.rows import BAILLEUR, POLICE_EVRY
from tests.fixtures import Tokens

START = "/api/procedures"
# Sequences per database, and calls per sequence: about ten seconds per database.
SEQUENCES = 80
CALLS_PER_SEQUENCE = 10
FIRST_STEP = "$response.body#/steps/0/key"
# The links schemathesis cannot infer from the ids of the answers (a step's key is no id):
# from a start to its first step, and to the lists that show the new procedure.
LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "CompleteFirstStep": (
        "/api/procedures/{procedure_id}/steps/{key}",
        {"procedure_id": "$response.body#/id", "key": FIRST_STEP},
    ),
    "AssignFirstStep": (
        "/api/procedures/{procedure_id}/steps/{key}/assignee",
        {"procedure_id": "$response.body#/id", "key": FIRST_STEP},
    ),
    "FindProcedure": ("/api/procedures", {"q": "$response.body#/id"}),
    "ReadTasksOfFirstStep": ("/api/tasks", {"step": FIRST_STEP}),
}
Call = tuple[str, str | None, int]


@pytest.fixture
def service(engine: Engine) -> NumberingService:
    """The stand-in service the app uses: a new number for each procedure started."""
    return NumberingService(engine)


def callers(auth: Tokens) -> list[Headers]:
    """A juriste and a manager of the bailleur, and an agent of the police its procedures
    involve (the stand-in service gives each procedure a step of the police)."""
    bailleur = [auth(BAILLEUR, role.value) for role in (Role.JURISTE, Role.MANAGER)]
    return [*bailleur, auth(POLICE_EVRY, Role.AGENT.value)]


def link_start(app: FastAPI) -> None:
    """Add LINKS to the answer of a start in the app's schema (this app's only)."""
    paths = app.openapi()["paths"]
    links = {}
    for name, (path, parameters) in LINKS.items():
        operation = paths[path]["post" if "{key}" in path else "get"]
        links[name] = {"operationId": operation["operationId"], "parameters": parameters}
    paths[START]["post"]["responses"]["201"]["links"] = links


def sequences(app: FastAPI, tokens: list[Headers], made: list[Call]) -> type[APIStateMachine]:
    """The state machine of the app's schema with LINKS: each call made as the next of
    `tokens` in turn, and listed in `made` (operation, procedure id of the path, status)."""
    app.router.lifespan_context = no_lifespan  # see tests/api/test_fuzz.py
    link_start(app)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # The single calls send U+0000 and leave the token out; here they would stop most starts.
    schema.config.generation.update(allow_x00=False, with_security_parameters=False)

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.calls = 0

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            self.calls += 1
            return {"headers": tokens[self.calls % len(tokens)]}

        def after_call(self, response: schemathesis.Response, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            procedure_id = (case.path_parameters or {}).get("procedure_id")
            made.append((case.operation.label, procedure_id, response.status_code))

        def validate_response(
            self, response: schemathesis.Response, case: schemathesis.Case, **kwargs: Any
        ) -> None:
            case.validate_response(
                response,
                checks=[no_server_error, response_schema_conformance],
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    return Sequences


def procedures_in(engine: Engine) -> int:
    """How many procedures the read model holds."""
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Procedure)).one()


def test_sequences_of_linked_calls_get_no_server_error(
    app: FastAPI, auth: Tokens, engine: Engine, service: NumberingService
) -> None:
    made: list[Call] = []
    machine = sequences(app, callers(auth), made)
    run = settings(SETTINGS, max_examples=SEQUENCES, stateful_step_count=CALLS_PER_SEQUENCE)
    run_state_machine_as_test(machine, settings=run)
    # Procedures were started, then acted on through the ids their answers gave.
    assert procedures_in(engine) == len(service.started) >= SEQUENCES // 8
    followed = {
        label
        for label, procedure_id, status in made
        if procedure_id in service.started and status < 400
    }
    assert len(followed) >= 3, followed
