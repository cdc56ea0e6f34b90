"""Engine settings, sessions, procedure numbering and column round trips."""

import threading
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import StatementError
from sqlmodel import select

from store.db import make_engine, next_procedure_id, session_scope
from store.tables import IdCounter, Procedure

PARIS_WINTER = timezone(timedelta(hours=1))


def _procedure(procedure_id: str, **changes: object) -> Procedure:
    at = datetime(2026, 11, 20, 22, 30, tzinfo=PARIS_WINTER)
    values: dict[str, object] = {
        "id": procedure_id,
        "kind": "signalement",
        "bailleur_id": "demo-habitat-essonne",
        "commune_insee": "91228",
        "created_at": at,
        "updated_at": at,
    }
    return Procedure.model_validate(values | changes)


def test_sqlite_engine_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        engine.dispose()


def test_session_scope_commits_on_success_and_rolls_back_on_error(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(_procedure("signalement-2026-000001"))
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(_procedure("signalement-2026-000002"))
        session.flush()
        raise RuntimeError("boom")
    with session_scope(engine) as session:
        ids = session.exec(select(Procedure.id)).all()
    assert ids == ["signalement-2026-000001"]


def test_next_procedure_id_counts_per_kind_and_year(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = next_procedure_id(session, "signalement", 2026)
        second = next_procedure_id(session, "signalement", 2026)
        other_kind = next_procedure_id(session, "resiliation", 2026)
        next_year = next_procedure_id(session, "signalement", 2027)
    with session_scope(engine) as session:
        third = next_procedure_id(session, "signalement", 2026)
        counter = session.get(IdCounter, ("signalement", 2026))
        assert counter is not None and counter.value == 3
    assert (first, second, third) == (
        "signalement-2026-000001",
        "signalement-2026-000002",
        "signalement-2026-000003",
    )
    assert other_kind == "resiliation-2026-000001"
    assert next_year == "signalement-2027-000001"


def test_next_procedure_id_is_unique_under_concurrent_calls(engine: Engine) -> None:
    threads_count, calls_per_thread = 8, 25
    barrier = threading.Barrier(threads_count)
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def take_ids() -> None:
        try:
            barrier.wait()
            for _ in range(calls_per_thread):
                with session_scope(engine) as session:
                    procedure_id = next_procedure_id(session, "plainte", 2026)
                with lock:
                    taken.append(procedure_id)
        except BaseException as error:  # reported to the test thread below
            errors.append(error)

    workers = [threading.Thread(target=take_ids) for _ in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    expected = {f"plainte-2026-{n:06d}" for n in range(1, threads_count * calls_per_thread + 1)}
    assert sorted(taken) == sorted(expected)


def test_facts_with_accents_survive_a_round_trip(engine: Engine) -> None:
    facts = {
        "categorie": "dégradations",
        "description": "Tags répétés dans le hall B — « ascenseur » hors d'usage, coût 1 250 €",
        "mis_en_cause": [{"nom": "Lefèvre", "prénom": "Noël", "locataire": True}],
        "montant": 1250.5,
    }
    with session_scope(engine) as session:
        session.add(_procedure("plainte-2026-000001", kind="plainte", facts=facts, links=["é"]))
    with session_scope(engine) as session:
        stored = session.get(Procedure, "plainte-2026-000001")
        assert stored is not None
        assert stored.facts == facts
        assert stored.links == ["é"]


def test_timestamps_come_back_aware_in_utc(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(_procedure("signalement-2026-000007", next_due=date(2026, 12, 21)))
    with session_scope(engine) as session:
        stored = session.get(Procedure, "signalement-2026-000007")
        assert stored is not None
        assert stored.created_at == datetime(2026, 11, 20, 21, 30, tzinfo=UTC)
        assert stored.created_at.tzinfo is not None
        assert stored.next_due == date(2026, 12, 21)


def test_naive_timestamps_are_refused(engine: Engine) -> None:
    naive = datetime(2026, 11, 20, 22, 30)
    with pytest.raises(StatementError, match="naive datetime"), session_scope(engine) as session:
        session.add(_procedure("signalement-2026-000008", created_at=naive))
