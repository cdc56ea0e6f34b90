"""`quietude import` of a CSV export of 50 résiliation dossiers in progress (and 3 bad lines)
against the real stack on PostgreSQL: wall time of the command. Target: under 60 s."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tests.fixtures import dev_server_env
from tests.integration.import_file import BAD_LINES, DOSSIERS, build_file, run_import
from tests.integration.stack import serving_stack


async def main() -> None:
    """Import the file once into an empty read model and print the time it took."""
    with tempfile.TemporaryDirectory() as folder:
        async with (
            dev_server_env(dev_server_log_level="error") as env,
            serving_stack(env, "postgresql", Path(folder)) as stack,
        ):
            path = Path(folder) / "dossiers.csv"
            path.write_bytes(build_file()[0])
            started = time.perf_counter()
            code, report, log = await run_import(stack, path)
            elapsed = time.perf_counter() - started
    if code != 1 or not report:  # 1: done, with the bad lines refused
        raise RuntimeError(f"quietude import a échoué ({code}) : {log[-2000:]}")
    sys.stdout.write(f"bulk_import_lines: {DOSSIERS + len(BAD_LINES)} lignes\n")
    sys.stdout.write(f"bulk_import_report: {report[-1]}\n")
    sys.stdout.write(f"bulk_import_wall: {elapsed:.1f} s (objectif < 60 s)\n")


if __name__ == "__main__":
    import asyncio

    asyncio.run(main())
