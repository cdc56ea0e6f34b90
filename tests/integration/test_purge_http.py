"""`quietude purge` on the real stack: signalements opened and closed through HTTP, two closures
back-dated past their retention period; the dry run changes nothing, the purge anonymises exactly
those two (read model, files, Temporal histories) and leaves the open and the recent one alone."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import update
from sqlmodel import Session, col, select
from temporalio.service import RPCError, RPCStatusCode

from store.tables import AccessEntry, Document, Event, Piece, Procedure, Step
from tests.builders import BAILLEUR, POLICE_EVRY, signalement_body

REPO_ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.7\n% constat du gardien\n%%EOF\n"
TABLES = (Procedure, Step, Event, Document, Piece)
# Personal data of the facts and of the users: none of it may survive in a purged procedure.
PERSONAL = ("12 rue des Lilas", "nuisances sonores", "juriste@", "agent@")


def today_paris() -> str:
    """Today in Paris, as the API expects step dates."""
    return datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()


async def run_cli(stack, *args: str) -> tuple[int, list[str], str]:
    """A `quietude` command in a subprocess against the stack: exit code, stdout lines, log."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("QUIETUDE_")}
    env |= {
        "QUIETUDE_DATABASE_URL": stack.settings.database_url,
        "QUIETUDE_TEMPORAL_ADDRESS": stack.client.service_client.config.target_host,
        "QUIETUDE_TEMPORAL_NAMESPACE": stack.client.namespace,
        "QUIETUDE_TASK_QUEUE": stack.settings.task_queue,
        "QUIETUDE_VAR_DIR": str(stack.settings.var_dir),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "quietude.cli", *args,
        cwd=REPO_ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, stdout.decode().splitlines(), stderr.decode()


async def complete(stack, procedure_id: str, key: str, outcome: str, org: str) -> dict[str, Any]:
    """Complete a pending step through the API as an agent or juriste of `org`."""
    response = await stack.http.post(
        f"/api/procedures/{procedure_id}/steps/{key}",
        json={"outcome": outcome, "date": today_paris()},
        headers=stack.token(org, "agent" if org == POLICE_EVRY else "juriste"),
    )
    assert response.status_code == 200, response.text
    return response.json()


async def signalement(stack, *, closed: bool, piece: bool = False) -> str:
    """A signalement started by the bailleur; with `closed`, taken through `cloture`."""
    bailleur = stack.token(BAILLEUR)
    created = await stack.http.post("/api/procedures", json=signalement_body(), headers=bailleur)
    assert created.status_code == 201, created.text
    procedure_id: str = created.json()["id"]
    if piece:
        filed = await stack.http.post(
            f"/api/procedures/{procedure_id}/pieces",
            data={"title": "Constat du gardien", "kind": "pv"},
            files={"file": ("constat.pdf", PDF, "application/pdf")},
            headers=bailleur,
        )
        assert filed.status_code == 201, filed.text
    if closed:
        await complete(stack, procedure_id, "accuse_reception", "recu", POLICE_EVRY)
        await complete(stack, procedure_id, "retour_information", "sans_suite", POLICE_EVRY)
        await complete(stack, procedure_id, "cloture", "close", BAILLEUR)
    return procedure_id


async def settled(stack, procedure_id: str, closed: bool) -> None:
    """Wait until the procedure's fiche is rendered and, if closed, its closure projected."""
    for _ in range(200):
        with Session(stack.engine) as session:
            procedure = session.get(Procedure, procedure_id)
            fiche = session.exec(
                select(Document).where(col(Document.procedure_id) == procedure_id)
            ).first()
        if (
            procedure is not None
            and fiche is not None
            and (procedure.closed_at is not None) == closed
        ):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{procedure_id} : projection incomplète")


def snapshot(stack, procedure_id: str) -> dict[str, Any]:
    """Every read-model row of a procedure, and the files it points to with their content."""
    rows: dict[str, Any] = {}
    with Session(stack.engine) as session:
        for table in TABLES:
            key = getattr(table, "id" if table is Procedure else "procedure_id")
            found = session.exec(select(table).where(key == procedure_id)).all()
            rows[table.__tablename__] = sorted(
                (r.model_dump() for r in found), key=lambda r: str(r.get("id", r.get("seq")))
            )
    paths = [r["path"] for name in ("document", "piece") for r in rows[name]]
    rows["files"] = {path: Path(path).read_bytes() for path in paths}
    return rows


async def history_length(stack, procedure_id: str) -> int:
    """The number of events of the workflow's history (raises if Temporal has none)."""
    history = await stack.client.get_workflow_handle(procedure_id).fetch_history()
    return len(history.events)


async def history_gone(stack, procedure_id: str) -> None:
    """Wait until Temporal answers NOT_FOUND for the workflow.

    The server accepts the deletion at once but carries it out in a background task, after the
    closed workflow's own tasks: a few seconds, up to some twenty on the dev server.
    """
    handle = stack.client.get_workflow_handle(procedure_id)
    for _ in range(600):
        try:
            await handle.describe()
        except RPCError as error:
            assert error.status == RPCStatusCode.NOT_FOUND
            with pytest.raises(RPCError) as raised:
                await handle.fetch_history()
            assert raised.value.status == RPCStatusCode.NOT_FOUND
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"historique Temporal de {procedure_id} toujours présent")


def purge_entries(stack) -> list[AccessEntry]:
    """The access-log entries written by the purge."""
    with Session(stack.engine) as session:
        return list(
            session.exec(select(AccessEntry).where(col(AccessEntry.action) == "purge")).all()
        )


async def test_purge_removes_exactly_what_the_rules_say(stack):
    old_with_piece = await signalement(stack, closed=True, piece=True)
    old = await signalement(stack, closed=True)
    recent = await signalement(stack, closed=True)
    still_open = await signalement(stack, closed=False, piece=True)
    for procedure_id in (old_with_piece, old, recent):
        await settled(stack, procedure_id, closed=True)
    await settled(stack, still_open, closed=False)
    # The bailleur downloads the fiche of the first one: a document read, in the access log.
    detail = await stack.http.get(
        f"/api/procedures/{old_with_piece}", headers=stack.token(BAILLEUR)
    )
    fiche = next(d for d in detail.json()["documents"] if d["kind"] == "fiche_signalement")
    downloaded = await stack.http.get(fiche["url"], headers=stack.token(BAILLEUR))
    assert downloaded.status_code == 200 and downloaded.content

    three_years_ago = datetime.now(UTC) - relativedelta(years=3)
    with Session(stack.engine) as session:
        session.exec(
            update(Procedure)
            .where(col(Procedure.id).in_((old_with_piece, old)))
            .values(closed_at=three_years_ago)
        )
        session.commit()
    everyone = (old_with_piece, old, recent, still_open)
    before = {procedure_id: snapshot(stack, procedure_id) for procedure_id in everyone}
    assert before[old_with_piece]["piece"] and before[still_open]["piece"]
    assert all(before[p]["document"] for p in everyone)
    known = str({name: before[old_with_piece][name] for name in ("procedure", "step", "event")})
    assert [personal for personal in PERSONAL if personal not in known] == []
    histories = {
        procedure_id: await history_length(stack, procedure_id) for procedure_id in everyone
    }

    code, lines, log = await run_cli(stack, "purge", "--dry-run")
    assert code == 0, log
    assert lines[0] == "2 procédure(s) seraient anonymisées"
    named = sorted(line.split(" ")[1] for line in lines[1:])
    assert named == sorted((old_with_piece, old))
    assert any(old_with_piece in line and "1 pièce(s)" in line for line in lines)
    assert {p: snapshot(stack, p) for p in everyone} == before
    assert {p: await history_length(stack, p) for p in everyone} == histories
    assert purge_entries(stack) == []

    code, lines, log = await run_cli(stack, "purge")
    assert code == 0, log
    assert lines[0] == "2 procédure(s) anonymisées"
    assert all(line.endswith("historique Temporal supprimé") for line in lines[1:]), lines
    for purged in (old_with_piece, old):
        after = snapshot(stack, purged)
        procedure = after["procedure"][0]
        assert procedure["anonymised_at"] is not None and procedure["search_text"] == ""
        assert procedure["facts"] == {
            "kind": "signalement",
            "categorie": "occupation_halls",
            "residence": {"nom": "Résidence des Tilleuls", "commune_insee": "91228"},
        }
        assert all(event["sub"] is None and event["data"] == {} for event in after["event"])
        assert all(
            step["completed_by"] is None and step["assignee_sub"] is None and step["data"] == {}
            for step in after["step"]
        )
        assert after["document"] == after["piece"] == [] and after["files"] == {}
        for path in before[purged]["files"]:
            assert not Path(path).exists()
        assert not (stack.settings.var_dir / "pieces" / purged).exists()
        remaining = str({name: after[name] for name in ("procedure", "step", "event")})
        for personal in PERSONAL:
            assert personal not in remaining, personal
        await history_gone(stack, purged)
    for untouched in (recent, still_open):
        assert snapshot(stack, untouched) == before[untouched]
        assert await history_length(stack, untouched) == histories[untouched]

    entries = purge_entries(stack)
    assert sorted(e.procedure_id or "" for e in entries) == sorted((old_with_piece, old))
    for entry in entries:
        assert (entry.sub, entry.org, entry.role) == ("systeme", "quietude", "systeme")
        text = f"{entry.target or ''} {entry.detail}"
        assert entry.detail.startswith("precontentieux ; ")
        for personal in (*PERSONAL, "Tilleuls", BAILLEUR, POLICE_EVRY):
            assert personal not in text, personal
    code, lines, log = await run_cli(stack, "audit", "verify")
    assert code == 0, log
    assert lines == [f"chaîne intègre : {count_entries(stack)} entrées"]

    # Nothing is left to purge: the recent closure is far from the end of its period.
    code, lines, _ = await run_cli(stack, "purge", "--dry-run")
    assert (code, lines) == (0, ["0 procédure(s) seraient anonymisées"])
    with Session(stack.engine) as session:
        kept = session.get(Procedure, recent)
        assert kept is not None and kept.closed_at is not None
        assert datetime.now(UTC) - kept.closed_at < timedelta(days=1)


def count_entries(stack) -> int:
    """The number of entries of the access log."""
    with Session(stack.engine) as session:
        return len(session.exec(select(AccessEntry.seq)).all())
