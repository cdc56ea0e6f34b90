"""Documents rendered per second (.docx from the Word templates). Target: ≥ 100/s.

The first render of a template prepares it (load, patching of the tags, compilation), once per
process and version of the file: it is printed apart, the rate is that of the renders after it.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from activities.documents import DocumentActivities
from tests.builders import signalement_body
from tests.fixtures import TEMPLATES_DIR, migrated, sqlite_url

RENDERS = 200


def main() -> None:
    """Render the fiche de signalement once, then RENDERS times, and print the rate."""
    with (
        tempfile.TemporaryDirectory() as folder,
        migrated(sqlite_url(Path(folder), "bench.db"), reference=False) as engine,
    ):
        activities = DocumentActivities(engine, TEMPLATES_DIR, Path(folder) / "docs")
        context = {
            "procedure_id": "signalement-2026-000001",
            "transmis_le": "2026-11-23",
            "bailleur": "Démo — Habitat Essonne",
            "destinataires": ["Police"],
            "commune": "Évry-Courcouronnes",
            "facts": signalement_body(),
        }
        started = time.perf_counter()
        activities.render_bytes("fiche_signalement", context)
        first = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(RENDERS):
            activities.render_bytes("fiche_signalement", context)
        elapsed = time.perf_counter() - started
    sys.stdout.write(f"documents_first_render: {first * 1000:.0f} ms\n")
    sys.stdout.write(f"documents_per_second: {RENDERS / elapsed:.0f} /s (objectif ≥ 100)\n")
