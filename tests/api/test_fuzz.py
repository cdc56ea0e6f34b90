"""Fuzzing the API from its OpenAPI schema (in process): no 5xx, no answer off its schema."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.rows import BAILLEUR
from tests.fixtures import Tokens

EXAMPLES_PER_OPERATION = 6


@asynccontextmanager
async def no_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """A lifespan that leaves the state set by the caller as it is."""
    yield


def no_server_error(ctx: object, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """5xx fails, but 503: Temporal and the key ring are absent from the test, on purpose."""
    assert response.status_code < 500 or response.status_code == 503, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )


def fuzz(app: FastAPI, headers: dict[str, str], examples: int) -> int:
    """Call every operation of the app's schema with generated inputs; the number of calls."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # The state is set here: the in-process transport must not run the real lifespan.
    app.router.lifespan_context = no_lifespan
    calls = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # an operation the schema cannot describe
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def call(case: schemathesis.Case) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(
                headers=headers,
                checks=[no_server_error, response_schema_conformance],
                excluded_checks=[status_code_conformance],
            )

        call()
    return calls


def test_generated_calls_get_no_server_error_and_answers_within_the_schema(
    app: FastAPI, auth: Tokens, reference_db: str
) -> None:
    assert fuzz(app, auth(BAILLEUR, "admin"), EXAMPLES_PER_OPERATION) > 0
