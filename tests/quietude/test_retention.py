"""`quietude purge`: closed procedures past their retention period lose their personal data and
files; open ones and recent ones are left as they are."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from domain.contracts import ProcedureStatus
from domain.steps import StepStatus
from quietude.retention import purge
from quietude.settings import Settings
from store.access_log import entries_for, verify
from store.tables import Document, Event, Piece, Procedure, Step
from tests.api.rows import POLICE_EVRY, add_files, project, step

NOW = datetime(2030, 6, 1, tzinfo=UTC)
OLD_SIGNALEMENT = "signalement-2026-000001"  # closed in 2026: past 2 years
RECENT_SIGNALEMENT = "signalement-2029-000001"  # closed in 2029: kept
OPEN_SIGNALEMENT = "signalement-2026-000002"  # open since 2026: never touched
JUDGED_RESILIATION = "resiliation-2026-000001"  # closed in 2026 after a judgment: 10 years


@pytest.fixture
def engine(reference_engine: Engine, tmp_path: Path) -> Engine:
    """A migrated SQLite read model holding four procedures and their files."""
    engine = reference_engine
    closed, opened = ProcedureStatus.CLOSED, date(2026, 3, 2)
    done = step(
        "accuse_reception", POLICE_EVRY, opened, status=StepStatus.DONE, completed_on=opened
    )
    project(engine, OLD_SIGNALEMENT, [done], status=closed, created_on=opened)
    project(engine, RECENT_SIGNALEMENT, [done], status=closed, created_on=date(2029, 3, 1))
    project(
        engine, OPEN_SIGNALEMENT, [step("accuse_reception", POLICE_EVRY, opened)], created_on=opened
    )
    judged = step("jugement", "tj-evry", opened, status=StepStatus.DONE, completed_on=opened)
    project(engine, JUDGED_RESILIATION, [judged], status=closed, created_on=opened)
    with Session(engine) as session:
        resiliation = session.get(Procedure, JUDGED_RESILIATION)
        assert resiliation is not None
        resiliation.kind = "resiliation"
        session.add(resiliation)
        for procedure_id in (OLD_SIGNALEMENT, OPEN_SIGNALEMENT):
            _files(session, tmp_path, procedure_id)
        session.commit()
    return engine


def _files(session: Session, tmp_path: Path, procedure_id: str) -> None:
    folder = tmp_path / "var" / "pieces" / procedure_id
    folder.mkdir(parents=True)
    (folder / "abc").write_bytes(b"%PDF-1.4 Durand")
    document = tmp_path / f"{procedure_id}.docx"
    document.write_bytes(b"PK Durand")
    add_files(session, procedure_id, document, folder / "abc", created_at=NOW)


async def test_a_dry_run_names_what_would_go_and_changes_nothing(
    engine: Engine, settings: Settings
) -> None:
    report = await purge(engine, settings, None, dry_run=True, now=NOW)
    assert [(i.procedure_id, i.rule, i.documents, i.pieces) for i in report.items] == [
        (OLD_SIGNALEMENT, "precontentieux", 1, 1)
    ]
    with Session(engine) as session:
        old = session.get(Procedure, OLD_SIGNALEMENT)
        assert old is not None and old.anonymised_at is None and "personnes" in old.facts
        assert len(session.exec(select(Piece)).all()) == 2
        assert entries_for(session)[1] == 0


async def test_purge_anonymises_exactly_the_expired_procedures(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    deleted: list[str] = []

    async def delete_history(workflow_id: str) -> bool:
        deleted.append(workflow_id)
        return True

    report = await purge(engine, settings, delete_history, dry_run=False, now=NOW)

    assert [i.procedure_id for i in report.items] == deleted == [OLD_SIGNALEMENT]
    with Session(engine) as session:
        old = session.get(Procedure, OLD_SIGNALEMENT)
        assert old is not None and old.anonymised_at is not None
        assert "Durand" not in str(old.facts) and old.search_text == ""
        assert old.facts["kind"] == "signalement"
        steps = session.exec(select(Step).where(Step.procedure_id == OLD_SIGNALEMENT)).all()
        assert all(s.completed_by is None and s.data == {} for s in steps)
        events = session.exec(select(Event).where(Event.procedure_id == OLD_SIGNALEMENT)).all()
        assert all(e.sub is None for e in events)
        assert [p.procedure_id for p in session.exec(select(Piece)).all()] == [OPEN_SIGNALEMENT]
        assert [d.procedure_id for d in session.exec(select(Document)).all()] == [OPEN_SIGNALEMENT]
        for untouched in (OPEN_SIGNALEMENT, RECENT_SIGNALEMENT, JUDGED_RESILIATION):
            procedure = session.get(Procedure, untouched)
            assert procedure is not None and procedure.anonymised_at is None
            assert "Durand" in str(procedure.facts)
        entries, total = entries_for(session)
        assert total == 1 and verify(session).broken_seq is None
        assert (entries[0].action, entries[0].procedure_id) == ("purge", OLD_SIGNALEMENT)
        assert "Durand" not in entries[0].detail
    assert not (tmp_path / "var" / "pieces" / OLD_SIGNALEMENT).exists()
    assert not (tmp_path / f"{OLD_SIGNALEMENT}.docx").exists()
    assert (tmp_path / "var" / "pieces" / OPEN_SIGNALEMENT / "abc").exists()
    # A second run finds nothing more to do.
    assert (await purge(engine, settings, delete_history, dry_run=False, now=NOW)).items == []


async def test_litigation_is_kept_ten_years(engine: Engine, settings: Settings) -> None:
    later = datetime(2036, 6, 1, tzinfo=UTC)
    report = await purge(engine, settings, None, dry_run=True, now=later)
    assert {(i.procedure_id, i.rule) for i in report.items} == {
        (OLD_SIGNALEMENT, "precontentieux"),
        (RECENT_SIGNALEMENT, "precontentieux"),
        (JUDGED_RESILIATION, "contentieux"),
    }
    shorter = settings.model_copy(update={"retention_contentieux_years": 3})
    report = await purge(engine, shorter, None, dry_run=True, now=NOW)
    assert JUDGED_RESILIATION in {i.procedure_id for i in report.items}
