"""Generated calls of every operation of the app's OpenAPI schema, in process (schemathesis and
hypothesis), for the fuzzing test and the fuzzing bench."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.schemas import APIOperation, BaseSchema

Headers = dict[str, str]
Check = Callable[[schemathesis.Case, Headers], None]
# Valid inputs, then inputs off the schema (a number that is no number, a page of 0…).
BOTH_MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# Values random generation seldom draws, sent in each integer and date parameter of the path
# and the query string: past what a database binds, years 1 and 9999, a timestamp for a date.
EXTREMES: dict[str, tuple[str, ...]] = {
    "integer": (str(2**64), str(-(2**64))),
    "date": ("0", "0001-01-01", "9999-12-31"),
    "date-time": ("0", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"),
}
SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)


@asynccontextmanager
async def no_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """A lifespan that leaves the state set by the caller as it is."""
    yield


def no_server_error(ctx: object, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """5xx fails, but 503: Temporal and the key ring are absent from the test, on purpose."""
    assert response.status_code < 500 or response.status_code == 503, (
        f"{case.method} {case.formatted_path} {case.query}: "
        f"{response.status_code} {response.text[:300]}"
    )


def extreme_values(operation: APIOperation) -> Iterator[tuple[str, str, str]]:
    """(location, name, value) of each extreme value of each parameter of `operation`."""
    for parameter in operation.definition.raw.get("parameters", []):
        schema: dict[str, Any] = parameter.get("schema", {})
        for option in schema.get("anyOf", [schema]):
            for value in EXTREMES.get(option.get("format") or option.get("type"), ()):
                yield parameter["in"], parameter["name"], value


def with_value(case: schemathesis.Case, location: str, name: str, value: str) -> schemathesis.Case:
    """A copy of `case` whose parameter `name` (in the path or the query string) is `value`."""
    if location == "query":
        return case.derive(query={**(case.query or {}), name: value})
    variant = case.derive()
    variant.path_parameters = {**(case.path_parameters or {}), name: value}
    return variant


def each_extreme(operation: APIOperation, check: Check, callers: Sequence[Headers]) -> int:
    """Run `check` on a valid call of `operation` with each extreme value in turn; the count."""
    values = list(extreme_values(operation))
    if not values:
        return 0

    @given(case=operation.as_strategy(), headers=st.sampled_from(list(callers)))
    @settings(SETTINGS, max_examples=1)
    def call(case: schemathesis.Case, headers: Headers) -> None:
        for location, name, value in values:
            check(with_value(case, location, name, value), headers)

    call()
    return len(values)


def each_case(
    schema: BaseSchema,
    examples: int,
    check: Check,
    callers: Sequence[Headers] = ({},),
    modes: Sequence[GenerationMode] = (GenerationMode.POSITIVE,),
) -> int:
    """Run `check` on up to `examples` generated calls of each operation of `schema` in each of
    `modes`, then on its extreme values; each call made as one of `callers` (its headers, drawn
    with the inputs). The number of calls."""
    calls = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # an operation the schema cannot describe
        operation = result.ok()
        for mode in modes:

            @given(
                case=operation.as_strategy(generation_mode=mode),
                headers=st.sampled_from(list(callers)),
            )
            @settings(SETTINGS, max_examples=examples)
            def call(case: schemathesis.Case, headers: Headers) -> None:
                nonlocal calls
                calls += 1
                check(case, headers)

            try:
                call()
            except Unsatisfiable:
                # No invalid input exists for an operation that takes no input.
                assert mode == GenerationMode.NEGATIVE, operation.label
        calls += each_extreme(operation, check, callers)
    return calls
