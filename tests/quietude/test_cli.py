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
