"""The access log: a hash chain, appended under a lock, whose tampering the check finds."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from store.access_log import GENESIS, Action, Actor, append, entries_for, verify

JURISTE = Actor(sub="juriste@demo", org="demo-habitat-essonne", role="juriste")


def _fill(engine: Engine, count: int) -> None:
    for number in range(count):
        append(engine, JURISTE, Action.READ, f"signalement-2026-{number:06d}")


def test_entries_are_chained_from_the_genesis(engine: Engine) -> None:
    _fill(engine, 3)
    with Session(engine) as session:
        entries, total = entries_for(session)
        assert total == 3
        assert [e.seq for e in entries] == [1, 2, 3]
        assert entries[0].prev_hash == GENESIS
        assert entries[1].prev_hash == entries[0].hash
        assert entries[2].prev_hash == entries[1].hash
        assert verify(session).count == 3
        assert verify(session).broken_seq is None


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE access_entry SET sub = 'quelqu-un@autre' WHERE seq = 2",
        "UPDATE access_entry SET procedure_id = 'signalement-2026-999999' WHERE seq = 2",
    ],
)
def test_a_field_changed_in_sql_is_found_at_its_entry(engine: Engine, change: str) -> None:
    _fill(engine, 4)
    with engine.begin() as connection:
        connection.execute(text(change))
    with Session(engine) as session:
        result = verify(session)
    assert result.broken_seq == 2
    assert result.count == 1


def test_a_deleted_or_rehashed_entry_breaks_the_chain(engine: Engine) -> None:
    _fill(engine, 4)
    with engine.begin() as connection:
        # Someone recomputing the hash of the entry they changed still breaks the next link.
        connection.execute(text("UPDATE access_entry SET hash = :h WHERE seq = 2"), {"h": "f" * 64})
    with Session(engine) as session:
        assert verify(session).broken_seq == 2
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM access_entry WHERE seq = 3"))
    with Session(engine) as session:
        assert verify(session).broken_seq == 2  # still the first one broken


def test_concurrent_appends_keep_one_chain(engine: Engine) -> None:
    writers, each = 8, 15
    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(lambda _: _fill(engine, each), range(writers)))
    with Session(engine) as session:
        result = verify(session)
        entries, total = entries_for(session)
    assert total == writers * each
    assert result.broken_seq is None and result.count == total
    assert len({e.prev_hash for e in entries}) == total  # no two entries share a predecessor
