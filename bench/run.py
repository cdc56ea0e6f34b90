"""Runs every benchmark of this folder (`make bench`): each module with a `main()` prints its
figures as `name: value unit` lines."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run the benchmarks named on the command line, or all of them."""
    logging.basicConfig(level=logging.WARNING)
    sys.path.insert(0, str(HERE.parent))
    names = sys.argv[1:] or sorted(
        p.stem for p in HERE.glob("*.py") if p.stem != "run" and not p.stem.startswith("_")
    )
    failed = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        entry = getattr(module, "main", None)
        if entry is None:
            continue
        sys.stdout.write(f"# {name}\n")
        sys.stdout.flush()
        started = time.perf_counter()
        try:
            result = entry()
            if inspect.isawaitable(result):
                asyncio.run(result)  # type: ignore[arg-type]
        except Exception as error:  # noqa: BLE001 — one failed benchmark must not hide the others
            failed += 1
            sys.stdout.write(f"{name}_error: {error!r}\n")
        sys.stdout.write(f"{name}_wall_time: {time.perf_counter() - started:.1f} s\n")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
