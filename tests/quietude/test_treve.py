"""The end of the trêve per year in the read model: what the law allows to record, what a
procedure starting now freezes into its policy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from pydantic import TypeAdapter
from sqlalchemy import Engine
from sqlmodel import Session

from domain.calendar import TreveHivernale
from domain.contracts import ProcedureStart
from domain.procedures import StartBody
from quietude.procedures import ProcedureService, StartRequest
from quietude.settings import Settings
from quietude.tokens import Claims
from quietude.treve import (
    TreveChange,
    TreveRefused,
    change_refusal,
    record_end,
    recorded_ends,
    treve_now,
)
from tests.builders import BAILLEUR, resiliation_body
from tests.fixtures import migrated

FIRST = datetime(2027, 3, 20, 9, tzinfo=UTC)
LATER = datetime(2027, 3, 21, 9, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A read model migrated to the latest schema, on SQLite then PostgreSQL."""
    with migrated(db_url, reference=False) as engine:
        yield engine


def change(ends_on: date, reason: str = "loi n° 2027-123") -> TreveChange:
    return TreveChange(year=2027, ends_on=ends_on, reason=reason, sub="admin@prefecture-91")


def test_a_winter_without_a_text_ends_on_31_march_and_the_past_texts_are_recorded(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        assert [(row.year, row.ends_on) for row in recorded_ends(session)] == [
            (2020, date(2020, 7, 10)),
            (2021, date(2021, 5, 31)),
        ]
        treve = treve_now(session, TreveHivernale())
    assert treve.end_of(2020) == date(2020, 7, 10)
    assert treve.end_of(2021) == date(2021, 5, 31)
    assert treve.end_of(2027) == date(2027, 3, 31)


def test_an_end_is_recorded_once_and_recording_it_again_changes_nothing(engine: Engine) -> None:
    with Session(engine) as session:
        record_end(session, change(date(2027, 5, 31)), now=FIRST)
        record_end(session, change(date(2027, 5, 31)), now=LATER)
        session.commit()
    with Session(engine) as session:
        row = recorded_ends(session)[-1]
        assert (row.year, row.ends_on, row.changed_at) == (2027, date(2027, 5, 31), FIRST)
        assert treve_now(session, TreveHivernale()).end_of(2027) == date(2027, 5, 31)
        # A later text moves it again.
        record_end(session, change(date(2027, 6, 30), "loi n° 2027-456"), now=LATER)
        session.commit()
        row = recorded_ends(session)[-1]
        assert (row.ends_on, row.reason, row.changed_at) == (
            date(2027, 6, 30),
            "loi n° 2027-456",
            LATER,
        )


@pytest.mark.parametrize(
    ("year", "ends_on", "expected"),
    [
        (2027, date(2027, 3, 31), None),
        (2027, date(2027, 10, 31), None),
        (2027, date(2027, 3, 30), "dure au moins jusqu'au 31/03/2027"),
        (2027, date(2027, 11, 1), "au plus tard le 31/10/2027, veille de la trêve suivante"),
        (2026, date(2027, 5, 31), "au plus tard le 31/10/2026"),
        (1999, date(1999, 5, 31), "Année 1999 invalide"),
    ],
)
def test_only_an_end_between_31_march_and_31_october_is_allowed(
    year: int, ends_on: date, expected: str | None
) -> None:
    refusal = change_refusal(year, ends_on)
    if expected is None:
        assert refusal is None
    else:
        assert expected in (refusal or "")


def test_a_refused_end_is_not_recorded(engine: Engine) -> None:
    with Session(engine) as session:
        with pytest.raises(TreveRefused, match="un texte ne peut que la prolonger"):
            record_end(session, change(date(2027, 3, 1)))
        session.commit()
        assert 2027 not in [row.year for row in recorded_ends(session)]


async def test_a_new_procedure_starts_with_the_trêve_as_it_now_stands(
    reference_engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(reference_engine) as session:
        record_end(session, change(date(2027, 5, 31)))
        session.commit()
    service = ProcedureService(client=None, engine=reference_engine, settings=settings)  # type: ignore[arg-type]
    started: list[ProcedureStart] = []

    async def launch(start: ProcedureStart) -> str:
        started.append(start)
        return "resiliation-2027-000001"

    monkeypatch.setattr(service, "_launch", launch)
    facts = TypeAdapter(StartBody).validate_python(resiliation_body())
    caller = Claims(sub="juriste-1", org=BAILLEUR, role="juriste")
    await service.start(StartRequest(caller=caller, facts=facts))

    [start] = started
    assert start.policy.treve.end_of(2027) == date(2027, 5, 31)
    assert start.policy.treve.end_of(2021) == date(2021, 5, 31)
    assert start.policy.treve.end_of(2028) == date(2028, 3, 31)
