"""Bulk import of résiliation dossiers from a CSV export, with a fake procedure service."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from domain.actors import Role
from domain.procedures.resiliation_facts import ResiliationFacts
from quietude.bulk_import import import_dossiers
from quietude.dossier_csv import read_dossiers
from quietude.procedures import StartRefused, StartRequest
from quietude.tokens import Claims
from tests.quietude.dossier_rows import csv_bytes, row

REPO_ROOT = Path(__file__).resolve().parents[2]
CALLER = Claims(sub="import@demo-habitat-essonne", org="demo-habitat-essonne", role=Role.JURISTE)


class FakeService:
    """Records what is validated and started; refuses the bails it is told to."""

    def __init__(self, refuse: dict[str, str] | None = None) -> None:
        self.refuse = refuse or {}
        self.validated: list[BaseModel] = []
        self.started: list[ResiliationFacts] = []

    def validate(self, request: StartRequest) -> None:
        body = request.facts
        assert isinstance(body, ResiliationFacts)
        self.validated.append(body)
        if body.bail.reference in self.refuse:
            raise StartRefused(self.refuse[body.bail.reference])

    async def start(self, request: StartRequest) -> str:
        body = request.facts
        assert isinstance(body, ResiliationFacts)
        self.started.append(body)
        return f"resiliation-2026-{len(self.started):06d}"


async def test_bad_lines_are_reported_by_number_and_only_good_ones_started() -> None:
    rows = [
        row(bail_reference="B-1"),
        row(bail_reference="B-2", bail_date_effet="2019-13-01"),
        row(bail_reference="B-3", etape="audience"),
        row(bail_reference="B-4"),
        row(bail_reference="B-1", reference_logement="LGT-0099"),
    ]
    service = FakeService(refuse={"B-4": "Commune inconnue : 91228."})

    report = await import_dossiers(read_dossiers(csv_bytes(rows)), service, CALLER)

    assert report.lines() == [
        "ligne 2 : resiliation-2026-000001 créé (étape courante : mise_en_demeure)",
        "ligne 3 : bail_date_effet : date invalide « 2019-13-01 » (AAAA-MM-JJ ou JJ/MM/AAAA)",
        "ligne 4 : resiliation-2026-000002 créé (étape courante : audience)",
        "ligne 5 : Commune inconnue : 91228.",
        "ligne 6 : bail_reference : même bail « B-1 » que la ligne 2",
        "2 dossiers importés, 3 lignes refusées",
    ]
    assert [facts.bail.reference for facts in service.started] == ["B-1", "B-3"]
    assert report.exit_code == 1


async def test_every_line_imported_exits_0() -> None:
    service = FakeService()

    report = await import_dossiers(read_dossiers(csv_bytes([row()])), service, CALLER)

    assert report.exit_code == 0
    assert report.lines()[-1] == "1 dossier importé, 0 ligne refusée"


async def test_a_dossier_that_moved_on_at_once_says_so() -> None:
    rows = [
        row(bail_reference="B-1", etape="reponse_injonction", origine="injonction_prefet",
            injonction_date="2026-03-02", date_constitution_dossier=""),
        row(bail_reference="B-2"),
    ]  # fmt: skip
    pending = {
        "resiliation-2026-000001": ["substitution_prefet"],
        "resiliation-2026-000002": ["demande_information_parquet", "mise_en_demeure"],
    }

    report = await import_dossiers(
        read_dossiers(csv_bytes(rows)), FakeService(), CALLER, pending_of=pending.__getitem__
    )

    assert report.lines()[:2] == [
        "ligne 2 : resiliation-2026-000001 créé (étape reponse_injonction close aussitôt, "
        "échéance passée ; étape courante : substitution_prefet)",
        "ligne 3 : resiliation-2026-000002 créé (étape courante : mise_en_demeure)",
    ]


async def test_dry_run_validates_everything_and_creates_nothing() -> None:
    rows = [row(bail_reference="B-1"), row(bail_reference="B-2"), row(bail_reference="B-3")]
    service = FakeService(refuse={"B-2": "Date manquante pour l'étape déjà accomplie."})

    report = await import_dossiers(read_dossiers(csv_bytes(rows)), service, CALLER, dry_run=True)

    assert len(service.validated) == 3
    assert service.started == []
    assert report.lines() == [
        "ligne 2 : valide (étape courante : mise_en_demeure)",
        "ligne 3 : Date manquante pour l'étape déjà accomplie.",
        "ligne 4 : valide (étape courante : mise_en_demeure)",
        "Simulation, rien n'a été créé : 2 dossiers valides, 1 ligne refusée",
    ]
    assert report.exit_code == 1


async def test_a_bail_with_an_open_resiliation_is_not_imported_again() -> None:
    service = FakeService()
    lines = read_dossiers(csv_bytes([row(bail_reference="B-1"), row(bail_reference="B-2")]))

    report = await import_dossiers(
        lines, service, CALLER, open_bails={"B-1": "resiliation-2026-000007"}
    )

    assert report.lines()[0] == (
        "ligne 2 : bail_reference : le bail « B-1 » a déjà une résiliation en cours "
        "(resiliation-2026-000007)"
    )
    assert [facts.bail.reference for facts in service.started] == ["B-2"]


async def test_a_line_with_more_cells_than_columns_is_refused() -> None:
    service = FakeService()
    raw = csv_bytes([row()]).decode().rstrip("\r\n") + ";en trop\r\n"

    report = await import_dossiers(read_dossiers(raw.encode()), service, CALLER)

    assert report.lines()[0] == "ligne 2 : 1 cellule(s) de plus que de colonnes dans l'en-tête"
    assert service.validated == []


async def test_a_start_refused_by_the_engine_is_reported_on_its_line() -> None:
    class RefusingAtStart(FakeService):
        async def start(self, request: StartRequest) -> str:
            raise StartRefused("Aucun numéro de procédure libre.")

    report = await import_dossiers(read_dossiers(csv_bytes([row()])), RefusingAtStart(), CALLER)

    assert report.lines() == [
        "ligne 2 : Aucun numéro de procédure libre.",
        "0 dossier importé, 1 ligne refusée",
    ]


async def test_starts_run_at_most_eight_at_once() -> None:
    class Slow(FakeService):
        running = peak = 0

        async def start(self, request: StartRequest) -> str:
            Slow.running += 1
            Slow.peak = max(Slow.peak, Slow.running)
            await asyncio.sleep(0.01)
            Slow.running -= 1
            return await super().start(request)

    rows = [row(bail_reference=f"B-{n}") for n in range(20)]
    report = await import_dossiers(read_dossiers(csv_bytes(rows)), Slow(), CALLER)

    assert report.imported == 20
    assert Slow.peak == 8


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `quietude import ARGS` in a subprocess with a read model under tmp_path."""
    return subprocess.run(
        [sys.executable, "-m", "quietude.cli", "import", *args],
        cwd=REPO_ROOT,
        env={"QUIETUDE_DATABASE_URL": f"sqlite:///{tmp_path}/quietude.db", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (csv_bytes([row(couleur="bleu")]), "Colonnes inconnues : couleur."),
        (None, "Fichier illisible"),
    ],
)
def test_the_command_exits_2_when_the_file_is_unreadable(
    tmp_path: Path, content: Any, expected: str
) -> None:
    path = tmp_path / "dossiers.csv"
    if content is not None:
        path.write_bytes(content)

    result = run_cli(tmp_path, str(path), "--org", "demo-habitat-essonne")

    assert result.returncode == 2
    assert expected in result.stderr
    assert result.stdout == ""
