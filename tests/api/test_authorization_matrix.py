"""Authorization matrix, generated from the app's route table: every endpoint × every role ×
every kind of organisation × an object of the caller's own organisation and one of another.
Each call a caller may make succeeds with what it asks for; none leaks. A route without a rule
(tests/api/authorization_rules.py) fails the test."""

from collections.abc import Iterator
from itertools import count
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, delete
from sqlmodel import Session

from quietude.procedures import AssignRequest, DeclarationRequest, StepRequest
from quietude.settings import Settings
from quietude.temporal_client import data_converter
from store.tables import AccessEntry, Piece
from tests.api.authorization_rules import (
    A_ID,
    BAILLEURS,
    C_ID,
    CALLERS,
    D_ID,
    ELSEWHERE,
    FOYERS,
    NAME,
    PARQUET_BOBIGNY,
    PENDING,
    POLICE_BOBIGNY,
    ROLES,
    RULES,
    Rule,
    call,
    endpoints,
    project_objects,
    url_of,
)
from tests.api.rows import FakeService
from tests.fixtures import Tokens


class RecordingService(FakeService):
    """The stand-in service, recording every change it is asked for and making none but the
    starts: each caller finds the objects as they were."""

    async def complete_step(self, request: StepRequest) -> None:
        self.calls.append(("complete_step", (request.caller, request.procedure_id, request.key)))

    async def declare(self, request: DeclarationRequest) -> None:
        self.calls.append(("declare", (request.caller, request.procedure_id)))

    async def assign(self, request: AssignRequest) -> None:
        self.calls.append(("assign", (request.caller, request.procedure_id, request.key)))


@pytest.fixture
def service(engine: Engine) -> RecordingService:
    """The stand-in procedure service the app uses."""
    return RecordingService(engine)


@pytest.fixture
def objects(engine: Engine, tmp_path: Path) -> Iterator[None]:
    """The objects of tests/api/authorization_rules.py, removed after the test."""
    project_objects(engine, tmp_path)
    yield
    with Session(engine) as session:
        for table in (Piece, AccessEntry):
            session.exec(delete(table))  # type: ignore[call-overload]
        session.commit()


def test_every_endpoint_has_a_rule(app: FastAPI) -> None:
    assert [e for e in endpoints(app) if e not in RULES] == []


def targets(rule: Rule) -> list[tuple[str, str | None]]:
    """Each organisation and the object it calls the endpoint on: the rule's own object, else
    the procedure it sees (None: none), else none for an endpoint without an object."""
    if rule.allowed.on:
        return [(org, rule.allowed.on) for org in CALLERS]
    return [(org, own) for org, (own, _) in CALLERS.items()]


@pytest.mark.usefixtures("objects")
async def test_every_call_a_caller_may_make_succeeds_and_the_others_are_refused(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Tokens,
    service: RecordingService,
    settings: Settings,
) -> None:
    data_converter(settings)  # the key ring of the codec, made as the worker makes it at start
    numbers = count(100)
    wrong: list[str] = []
    for method, path in endpoints(app):
        rule, allowed = RULES[(method, path)], RULES[(method, path)].allowed
        for org, procedure_id in targets(rule):
            if "{" in rule.path and procedure_id is None:
                continue  # no procedure to call it on
            key, outcome = PENDING.get(procedure_id or "", ("", ""))
            values = {"step": key, "outcome": outcome, "org": org}
            for role in ROLES:
                service.next_id = f"signalement-2026-{next(numbers):06d}"
                values["new"] = service.next_id
                url = url_of(allowed.path or rule.path, procedure_id or "", **values)
                body = allowed.body if method == "POST" and rule.body != {} else rule.body
                if body:
                    body = {k: v.format(**values) if isinstance(v, str) else v
                            for k, v in body.items()}  # fmt: skip
                upload = f"%PDF-1.4 {org} {role}".encode()  # a new exhibit each time
                response = await call(client, method, url, body, auth(org, role), upload)
                where = f"{method} {url} by {role}@{org}: {response.status_code}"
                if not allowed.who(org, role):
                    if response.status_code not in (403, 404):
                        wrong.append(f"{where} (not refused)")
                    continue
                if response.status_code != allowed.status:
                    wrong.append(f"{where} (refused: {response.text[:120]})")
                    continue
                if not response.headers["content-type"].startswith(allowed.media):
                    wrong.append(f"{where} ({response.headers['content-type']})")
                for item in allowed.holds:
                    if "{p}" in item and procedure_id is None:
                        continue
                    expected = item.format(p=procedure_id, **values)
                    if expected not in response.text:
                        wrong.append(f"{where} (no {expected})")
    assert wrong == [], "\n".join(wrong)
    # The changes went to the procedure service, one for each caller that could ask for it.
    asked = [name for name, _ in service.calls]
    visible = sum(len(ROLES) for own, _ in CALLERS.values() if own)
    for change in ("complete_step", "cancel", "declare", "assign"):
        assert asked.count(change) == visible, change
    assert asked.count("start") == len(BAILLEURS) * len(ROLES) + len(ROLES)


@pytest.mark.usefixtures("objects")
async def test_no_endpoint_leaks_to_any_role_of_any_organisation(
    app: FastAPI, client: httpx.AsyncClient, auth: Tokens
) -> None:
    leaks: list[str] = []
    for method, path in endpoints(app):
        rule = RULES[(method, path)]
        for org, (own, other) in CALLERS.items():
            for role in ROLES:
                headers = auth(org, role)
                targets = [(other, False)] + ([(own, True)] if own else [])
                for procedure_id, visible in targets:
                    url = url_of(rule.path, procedure_id)
                    response = await call(client, method, url, rule.body, headers)
                    where = f"{method} {url} by {role}@{org}: {response.status_code}"
                    # 503: a service (Temporal, the key ring) missing from the test, not a leak.
                    if response.status_code >= 500 and response.status_code != 503:
                        leaks.append(f"{where} (server error)")
                    if "{" in rule.path and not visible and response.is_success:
                        leaks.append(f"{where} (object of another organisation)")
                    if "{" in rule.path and not visible and other in response.text:
                        leaks.append(f"{where} (names the other's procedure)")
                    front_line = org in BAILLEURS and role == "agent"
                    may_name = not front_line and (
                        rule.names_for == "files"
                        or (rule.names_for == "facts" and org in BAILLEURS)
                    )
                    if NAME in response.text and not (may_name and visible):
                        leaks.append(f"{where} (personal data)")
                    if role not in rule.roles and response.is_success:
                        leaks.append(f"{where} (role not allowed)")
                    if "{" not in rule.path and other in response.text:
                        leaks.append(f"{where} (lists the other's procedure)")
                    if "{" not in rule.path:
                        break  # one call is enough for an endpoint without an object
    assert leaks == [], "\n".join(leaks)
    # Without a token, nothing but the health check answers.
    for method, path in endpoints(app):
        rule = RULES[(method, path)]
        response = await call(client, method, url_of(rule.path, A_ID), rule.body, {})
        assert (response.status_code == 401) != (path == "/api/healthz"), (method, path)


@pytest.mark.usefixtures("objects")
async def test_partners_of_one_departement_see_nothing_of_another(
    app: FastAPI, client: httpx.AsyncClient, auth: Tokens
) -> None:
    seen: list[str] = []
    for method, path in endpoints(app):
        rule = RULES[(method, path)]
        for org, procedures in ELSEWHERE.items():
            headers = auth(org, "admin")
            for procedure_id in procedures if "{" in rule.path else procedures[:1]:
                response = await call(client, method, url_of(rule.path, procedure_id), rule.body,
                                      headers)  # fmt: skip
                where = f"{method} {rule.path} by {org}: {response.status_code}"
                if "{" in rule.path and response.is_success:
                    seen.append(f"{where} ({procedure_id})")
                for hidden in procedures:
                    if hidden in response.text:
                        seen.append(f"{where} (names {hidden})")
    assert seen == [], "\n".join(seen)
    # Each sees its own département's procedures of the landlord across départements.
    for org, own in ((POLICE_BOBIGNY, C_ID), (PARQUET_BOBIGNY, D_ID)):
        listed = await client.get("/api/procedures", headers=auth(org, "agent"))
        assert [item["id"] for item in listed.json()["items"]] == [own]
    listed = await client.get("/api/procedures", headers=auth(FOYERS, "juriste"))
    assert {item["id"] for item in listed.json()["items"]} == {C_ID, D_ID}
