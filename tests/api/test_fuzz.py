"""Fuzzing the API from its OpenAPI schema (in process): no 5xx, no answer off its schema."""

import schemathesis
from fastapi import FastAPI
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.fuzzing import each_case, no_lifespan
from tests.api.rows import BAILLEUR
from tests.fixtures import Tokens

EXAMPLES_PER_OPERATION = 6


def no_server_error(ctx: object, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """5xx fails, but 503: Temporal and the key ring are absent from the test, on purpose."""
    assert response.status_code < 500 or response.status_code == 503, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )


def fuzz(app: FastAPI, headers: dict[str, str], examples: int) -> int:
    """Call every operation of the app's schema with generated inputs; the number of calls."""

    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers=headers,
            checks=[no_server_error, response_schema_conformance],
            excluded_checks=[status_code_conformance],
        )

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Replaced once the schema is read: reading it runs the app's real lifespan, which sets the
    # app's state (read model, settings, services) from the environment's settings.
    app.router.lifespan_context = no_lifespan
    return each_case(schema, examples, check)


def test_generated_calls_get_no_server_error_and_answers_within_the_schema(
    app: FastAPI, auth: Tokens, reference_db: str
) -> None:
    assert fuzz(app, auth(BAILLEUR, "admin"), EXAMPLES_PER_OPERATION) > 0
