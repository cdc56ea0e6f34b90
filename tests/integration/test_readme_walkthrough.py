"""The README's walk-through with curl, run verbatim with bash against a stack served over HTTP
that already holds demo procedures: every call succeeds (`curl -sf`, `set -e`)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from quietude.demo import create_demo
from quietude.procedures import ProcedureService
from quietude.settings import Settings
from tests.fixtures import (
    DATABASE_KINDS,
    REPO,
    bearer,
    connector_to,
    make_app,
    read_model,
    running_worker,
    serving,
    settings_for,
    unique_queue,
)

README = REPO / "README.md"
DEMO_PROCEDURES = 12
# The procedures the walk-through starts: signalement, résiliation, imported résiliation,
# plainte, assermentation, intervention conjointe.
STARTED = 6


def walkthrough() -> str:
    """The ```sh blocks of the README's section « Essai avec curl », in their order."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Essai avec curl") : text.index("## Configuration")]
    return "\n".join(re.findall(r"```sh\n(.*?)```", section, re.S))


@dataclass
class Served:
    """The API's address, its settings and read model."""

    api: str
    settings: Settings
    engine: Engine


@pytest.fixture(params=DATABASE_KINDS)
async def served(
    request: pytest.FixtureRequest, dev_env: WorkflowEnvironment, tmp_path: Path
) -> AsyncIterator[Served]:
    """The stack under uvicorn on 127.0.0.1, holding demo procedures of both demo bailleurs."""
    with read_model(request.param, tmp_path) as (url, engine):
        settings = settings_for(tmp_path / "var", database_url=url, task_queue=unique_queue())
        app = make_app(settings, engine, connector_to(dev_env.client))
        async with running_worker(dev_env.client, settings, engine):
            service = ProcedureService(dev_env.client, engine, settings)
            await create_demo(service, engine, DEMO_PROCEDURES, seed=11)
            async with serving(app) as base_url:
                yield Served(f"{base_url}/api", settings, engine)


async def run_verbatim(script: str, served: Served, folder: Path) -> tuple[int, str, str]:
    """Run `script` with bash (stopping at the first failure) from a folder laid out as the
    repository's root (`.venv`, `docs`); its exit code, output and errors."""
    folder.mkdir()
    (folder / ".venv").symlink_to(Path(sys.prefix))
    (folder / "docs").symlink_to(REPO / "docs")
    assert served.settings.jwt_secret is not None
    env = {
        **os.environ,
        "API": served.api,
        "QUIETUDE_VAR_DIR": str(served.settings.var_dir),
        "QUIETUDE_DATABASE_URL": served.settings.database_url,
        "QUIETUDE_JWT_SECRET": served.settings.jwt_secret,
    }
    process = await asyncio.create_subprocess_exec(
        "bash",
        "-e",
        "-o",
        "pipefail",
        "-c",
        script,
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=300)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def test_the_walkthrough_sends_every_example_file_it_names() -> None:
    script = walkthrough()
    named = set(re.findall(r"@(docs/examples/[\w.-]+)", script))
    shipped = {f"docs/examples/{path.name}" for path in (REPO / "docs" / "examples").iterdir()}
    assert named == shipped
    assert "items[0]" not in script


async def test_the_readme_walkthrough_runs_verbatim_on_a_stack_with_demo_data(
    served: Served, tmp_path: Path
) -> None:
    headers = bearer(served.settings, "demo-habitat-essonne", "juriste", "juriste@demo")
    async with httpx.AsyncClient() as http:
        before = (await http.get(f"{served.api}/procedures", headers=headers)).json()["total"]
        code, out, err = await run_verbatim(walkthrough(), served, tmp_path / "repo")
        assert code == 0, f"code {code}\n--- sortie\n{out[-3000:]}\n--- erreurs\n{err[-3000:]}"
        after = (await http.get(f"{served.api}/procedures", headers=headers)).json()["total"]
        signalement = out.splitlines()[0]
        detail = (await http.get(f"{served.api}/procedures/{signalement}", headers=headers)).json()
    assert before >= 1  # the demo's procedures were there first
    assert after == before + STARTED
    steps = {step["key"]: step["status"] for step in detail["steps"]}
    assert steps["accuse_reception"] == "done"
    assert (tmp_path / "repo" / "dossier.zip").read_bytes().startswith(b"PK")
