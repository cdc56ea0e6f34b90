"""Fuzzing run of `make bench`: many generated calls per operation of the OpenAPI schema, on a
throw-away SQLite read model with the reference data; counts 5xx and schema violations."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.fuzzing import each_case, no_lifespan
from tests.fixtures import bearer, make_app, read_model, settings_for

EXAMPLES = int(os.environ.get("QUIETUDE_FUZZ_EXAMPLES", "100"))


def main() -> None:
    """Fuzz every operation; print `fuzz_cases`, `fuzz_5xx` and `fuzz_schema_violations`."""
    with (
        tempfile.TemporaryDirectory() as folder,
        read_model("sqlite", Path(folder)) as (url, engine),
    ):
        config = settings_for(Path(folder), database_url=url)
        app = make_app(config, engine)  # Temporal absent from this bench on purpose
        headers = bearer(config, "demo-habitat-essonne", "admin", "admin@demo")
        counts = {"5xx": 0, "schema": 0}

        def check(case: schemathesis.Case, headers: dict[str, str]) -> None:
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

        # The state is set here: the in-process transport must not run the real lifespan.
        app.router.lifespan_context = no_lifespan
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        counts["cases"] = each_case(schema, EXAMPLES, check, callers=(headers,))
    sys.stdout.write(f"fuzz_cases: {counts['cases']}\n")
    sys.stdout.write(f"fuzz_5xx: {counts['5xx']}\n")
    sys.stdout.write(f"fuzz_schema_violations: {counts['schema']}\n")


if __name__ == "__main__":
    main()
