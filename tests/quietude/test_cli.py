"""The `quietude` command run as a user would, in a subprocess, on a temporary var folder."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from quietude.serve_cli import run_until_signalled
from quietude.settings import Settings
from quietude.tokens import verify_token

REPO_ROOT = Path(__file__).resolve().parents[2]


def quietude(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m quietude.cli ARGS` with its var folder and SQLite database in tmp_path."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("QUIETUDE_")
    }
    environment |= {
        "QUIETUDE_VAR_DIR": str(tmp_path / "var"),
        "QUIETUDE_DATABASE_URL": f"sqlite:///{tmp_path}/db/quietude.db",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "quietude.cli", *args],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_token_prints_a_verifiable_token_on_its_last_line(tmp_path: Path) -> None:
    result = quietude(tmp_path, "token", "--org", "demo-habitat-essonne", "--role", "juriste")

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    claims = verify_token(Settings(var_dir=tmp_path / "var"), token)
    assert (claims.sub, claims.org, claims.role) == (
        "juriste@demo-habitat-essonne",
        "demo-habitat-essonne",
        "juriste",
    )


def test_token_uses_the_given_subject(tmp_path: Path) -> None:
    result = quietude(
        tmp_path, "token", "--org", "demo-habitat-essonne", "--role", "agent", "--sub", "alice"
    )

    token = result.stdout.strip().splitlines()[-1]
    assert verify_token(Settings(var_dir=tmp_path / "var"), token).sub == "alice"


def test_token_refuses_an_unknown_role(tmp_path: Path) -> None:
    result = quietude(tmp_path, "token", "--org", "demo-habitat-essonne", "--role", "chef")

    assert result.returncode == 2
    assert "Rôle « chef » inconnu" in result.stderr
    assert result.stdout == ""


def test_token_refuses_an_unknown_organisation(tmp_path: Path) -> None:
    result = quietude(tmp_path, "token", "--org", "nulle-part", "--role", "juriste")

    assert result.returncode == 2
    assert "Organisation « nulle-part » inconnue" in result.stderr
    assert result.stdout == ""


def test_orgs_prepares_an_empty_database_and_lists_organisations(tmp_path: Path) -> None:
    result = quietude(tmp_path, "orgs")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("demo-habitat-essonne bailleur ") for line in lines)
    assert all(len(line.split(" ", 2)) == 3 for line in lines)
    assert (tmp_path / "db" / "quietude.db").is_file()


def test_invalid_configuration_is_explained(tmp_path: Path) -> None:
    result = quietude(tmp_path, "orgs", QUIETUDE_JWT_SECRET="court")

    assert result.returncode == 2
    assert "QUIETUDE_JWT_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


async def test_run_until_signalled_cancels_the_work_on_sigterm() -> None:
    cancelled = asyncio.Event()

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            cancelled.set()

    loop = asyncio.get_running_loop()
    loop.call_later(0.2, os.kill, os.getpid(), signal.SIGTERM)

    assert await run_until_signalled(forever()) is True
    assert cancelled.is_set()


async def test_run_until_signalled_lets_failures_through() -> None:
    async def failing() -> None:
        raise RuntimeError("panne")

    with pytest.raises(RuntimeError, match="panne"):
        await run_until_signalled(failing())
    assert await run_until_signalled(asyncio.sleep(0)) is False


def test_treve_list_shows_the_law_and_the_past_texts(tmp_path: Path) -> None:
    result = quietude(tmp_path, "treve", "list")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Trêve hivernale : du 01/11 au 31/03, sauf les années suivantes."
    assert lines[1].startswith("2020 : fin le 10/07/2020 — ordonnance n° 2020-331")
    assert lines[2].startswith("2021 : fin le 31/05/2021 — ordonnance n° 2021-141")
    assert len(lines) == 3


@pytest.mark.parametrize(
    ("fin", "expected"),
    [
        ("2027-03-02", "la trêve hivernale dure au moins jusqu'au 31/03/2027"),
        ("2027-11-02", "au plus tard le 31/10/2027"),
        ("2027-13-02", "date invalide « 2027-13-02 » : format attendu AAAA-MM-JJ"),
    ],
)
def test_treve_set_refuses_an_end_the_law_does_not_allow(
    tmp_path: Path, fin: str, expected: str
) -> None:
    result = quietude(tmp_path, "treve", "set", "2027", "--fin", fin)

    assert result.returncode == 2
    assert expected in result.stderr
    assert "2027" not in quietude(tmp_path, "treve", "list").stdout


def test_treve_set_records_nothing_while_temporal_is_down(tmp_path: Path) -> None:
    result = quietude(
        tmp_path, "treve", "set", "2027", "--fin", "2027-05-31",
        QUIETUDE_TEMPORAL_ADDRESS="127.0.0.1:1",
    )  # fmt: skip

    assert result.returncode == 2
    assert "Temporal injoignable à 127.0.0.1:1 : rien n'a été enregistré." in result.stderr
    assert "2027" not in quietude(tmp_path, "treve", "list").stdout
