"""Fixtures of the wiring tests: a clean environment and settings under a temporary folder."""

import secrets
from pathlib import Path

import pytest

from quietude.settings import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide any QUIETUDE_* variable of the machine from the tests."""
    import os

    for name in list(os.environ):
        if name.startswith("QUIETUDE_"):
            monkeypatch.delenv(name)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with their var folder and a random secret under tmp_path."""
    return Settings(var_dir=tmp_path / "var", jwt_secret=secrets.token_urlsafe(48))
