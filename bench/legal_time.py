"""A whole résiliation (about a year of legal time, from the préfet's injunction to the
expulsion) on the time-skipping server: wall time. Target: ≤ 2 s."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from tests.builders import BAILLEUR, COMMISSAIRE, PREFECTURE, TRIBUNAL, resiliation_start
from tests.fixtures import (
    migrated,
    running_worker,
    settings_for,
    sqlite_url,
    time_skipping_env,
    unique_queue,
)
from tests.workflows.helpers import complete, skip_to, start_procedure
from workflows.resiliation import ResiliationWorkflow

ACTS = [
    ("reponse_injonction", "acceptee", date(2030, 6, 14), BAILLEUR, {}),
    (
        "saisine_juge_apres_injonction",
        "assignation_delivree",
        date(2030, 7, 10),
        BAILLEUR,
        {"audience": "2030-09-02"},
    ),
    ("audience", "tenue", date(2030, 9, 2), TRIBUNAL, {}),
    (
        "jugement",
        "resiliation_prononcee",
        date(2030, 10, 1),
        TRIBUNAL,
        {"delai_deux_mois": "maintenu"},
    ),
    ("signification_jugement", "signifie", date(2030, 10, 7), COMMISSAIRE, {}),
    ("commandement_quitter_les_lieux", "delivre", date(2030, 10, 15), COMMISSAIRE, {}),
    ("information_prefet_ccapex", "informe", date(2030, 10, 15), COMMISSAIRE, {}),
    ("requisition_force_publique", "requise", date(2030, 12, 18), COMMISSAIRE, {}),
    ("decision_concours_force_publique", "accorde", date(2031, 1, 6), PREFECTURE, {}),
    ("expulsion", "realisee", date(2031, 4, 1), COMMISSAIRE, {}),
    ("cloture", "close", date(2031, 4, 1), BAILLEUR, {}),
]


async def main() -> None:
    """Run the résiliation once to warm up, then time a second one."""
    with (
        tempfile.TemporaryDirectory() as folder,
        migrated(sqlite_url(Path(folder), "read.db")) as engine,
    ):
        settings = settings_for(Path(folder) / "var")
        for _run in ("warm_up", "measured"):
            async with (
                time_skipping_env() as env,
                running_worker(env.client, settings, engine, unique_queue("q")) as worker,
            ):
                started = time.perf_counter()
                start = resiliation_start(
                    date(2030, 6, 3),
                    origine="injonction_prefet",
                    injonction={"date": "2030-06-03"},
                )
                handle = await start_procedure(env.client, worker, ResiliationWorkflow, start)
                for key, outcome, on, org, data in ACTS:
                    await skip_to(env, on)
                    await complete(handle, key, outcome, on, org, **data)
                await handle.result()
                elapsed = time.perf_counter() - started
        sys.stdout.write(f"resiliation_legal_time_wall: {elapsed:.2f} s (objectif ≤ 2 s)\n")
