"""Fuzzing run of `make bench`: many generated calls per operation of the OpenAPI schema, on a
throw-away SQLite read model with the reference data; counts 5xx and schema violations."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.fixtures import bearer, make_app, read_model, settings_for

EXAMPLES = int(os.environ.get("QUIETUDE_FUZZ_EXAMPLES", "100"))


@asynccontextmanager
async def no_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """A lifespan that leaves the state set by the caller as it is."""
    yield


def main() -> None:
    """Fuzz every operation; print `fuzz_cases`, `fuzz_5xx` and `fuzz_schema_violations`."""
    with (
        tempfile.TemporaryDirectory() as folder,
        read_model("sqlite", Path(folder)) as (url, engine),
    ):
        config = settings_for(Path(folder), database_url=url)
        app = make_app(config, engine)  # Temporal absent from this bench on purpose
        # The state is set here: the in-process transport must not run the real lifespan.
        app.router.lifespan_context = no_lifespan
        headers = bearer(config, "demo-habitat-essonne", "admin", "admin@demo")
        counts = {"cases": 0, "5xx": 0, "schema": 0}
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result  # an operation the schema cannot describe
            operation = result.ok()

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case: schemathesis.Case) -> None:
                counts["cases"] += 1
                response = case.call(headers=headers)
                # 503: Temporal is absent from this bench on purpose.
                if response.status_code >= 500 and response.status_code != 503:
                    counts["5xx"] += 1
                    sys.stderr.write(f"5xx: {case.method} {case.formatted_path}\n")
                try:
                    case.validate_response(response, checks=[response_schema_conformance])
                except (AssertionError, FailureGroup) as failure:
                    counts["schema"] += 1
                    sys.stderr.write(f"schema: {case.method} {case.formatted_path}: {failure}\n")

            call()
    sys.stdout.write(f"fuzz_cases: {counts['cases']}\n")
    sys.stdout.write(f"fuzz_5xx: {counts['5xx']}\n")
    sys.stdout.write(f"fuzz_schema_violations: {counts['schema']}\n")


if __name__ == "__main__":
    main()
