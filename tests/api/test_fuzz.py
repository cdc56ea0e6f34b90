"""Fuzzing the API from its OpenAPI schema (in process, on each database): no 5xx and no answer
off its schema, for valid and invalid inputs and extreme values, as every role of every kind of
organisation."""

from collections import Counter

import schemathesis
from fastapi import FastAPI
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from domain.actors import Role
from tests.api.fuzzing import BOTH_MODES, Headers, each_case, no_lifespan, no_server_error
from tests.api.rows import BAILLEUR, GENDARMERIE, PARQUET, POLICE_EVRY
from tests.builders import PREFECTURE
from tests.fixtures import Tokens

# Per operation and per mode (valid, then invalid inputs), besides the extreme values of each
# parameter: about a minute per database on a shared machine.
EXAMPLES_PER_OPERATION = 20


def callers(auth: Tokens) -> list[Headers]:
    """The tokens of every role of a bailleur, of the forces, the parquet and the préfecture."""
    partners = [(POLICE_EVRY, "agent"), (GENDARMERIE, "manager"), (PARQUET, "agent")]
    partners += [(PARQUET, "manager"), (PREFECTURE, "admin")]
    return [auth(BAILLEUR, role.value) for role in Role] + [auth(o, r) for o, r in partners]


def fuzz(app: FastAPI, tokens: list[Headers], examples: int) -> Counter[int]:
    """Call every operation of the app's schema with generated inputs, valid, invalid and
    extreme, each as one of `tokens`; how many answers of each status."""
    statuses: Counter[int] = Counter()

    def check(case: schemathesis.Case, headers: Headers) -> None:
        response = case.call_and_validate(
            headers=headers,
            checks=[no_server_error, response_schema_conformance],
            excluded_checks=[status_code_conformance],
        )
        statuses[response.status_code] += 1

    # The app's state is the test's (its settings sign the tokens): the real lifespan, which
    # reading the schema would run, must not replace it with the environment's.
    app.router.lifespan_context = no_lifespan
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    each_case(schema, examples, check, callers=tokens, modes=BOTH_MODES)
    return statuses


def test_generated_calls_get_no_server_error_and_answers_within_the_schema(
    app: FastAPI, auth: Tokens, reference_db: str
) -> None:
    statuses = fuzz(app, callers(auth), EXAMPLES_PER_OPERATION)
    # Calls answered, not all refused for a token the app does not accept (as when reading the
    # schema ran the real lifespan, which replaced the settings that sign the tokens).
    assert statuses[200] > 0
