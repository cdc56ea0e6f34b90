"""Generated calls of every operation of the app's OpenAPI schema, in process (schemathesis and
hypothesis), for the fuzzing test and the fuzzing bench."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.schemas import BaseSchema


@asynccontextmanager
async def no_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """A lifespan that leaves the state set by the caller as it is."""
    yield


def each_case(schema: BaseSchema, examples: int, check: Callable[[schemathesis.Case], None]) -> int:
    """Run `check` on up to `examples` generated calls of each operation of `schema`; the
    number of calls."""
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
            check(case)

        call()
    return calls
