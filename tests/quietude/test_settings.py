"""Settings: environment variables, derived paths, the local secret, delays."""

import os
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from quietude.cli import describe_settings_error
from quietude.settings import Settings, SettingsError, get_settings, parse_sla


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QUIETUDE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("QUIETUDE_API_PORT", "9001")
    monkeypatch.setenv("QUIETUDE_TASK_QUEUE", "essai")
    monkeypatch.setenv("QUIETUDE_SLA", '{"accuse_reception": "2jo"}')

    settings = Settings()

    assert settings.api_port == 9001
    assert settings.task_queue == "essai"
    assert settings.sla == {"accuse_reception": "2jo"}
    assert settings.database_url == f"sqlite:///{tmp_path}/quietude.db"
    assert settings.outbox_dir == tmp_path / "outbox"


def test_explicit_database_url_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIETUDE_VAR_DIR", "/srv/quietude")
    monkeypatch.setenv("QUIETUDE_DATABASE_URL", "postgresql+psycopg://db/quietude")

    settings = Settings()

    assert settings.database_url == "postgresql+psycopg://db/quietude"
    assert settings.outbox_dir == Path("/srv/quietude/outbox")


def test_defaults_point_at_var_and_the_essonne_data() -> None:
    settings = Settings()

    assert settings.database_url == "sqlite:///var/quietude.db"
    assert (settings.data_dir / "communes_idf.csv").is_file()


def test_get_settings_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    monkeypatch.setenv("QUIETUDE_API_PORT", "9002")
    first = get_settings()
    monkeypatch.setenv("QUIETUDE_API_PORT", "9003")

    assert get_settings() is first
    assert first.api_port == 9002
    get_settings.cache_clear()


def test_secret_file_is_created_private_and_reused(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"

    secret = Settings(var_dir=var_dir).signing_secret()

    secret_file = var_dir / "jwt_secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert len(secret) >= 32
    assert Settings(var_dir=var_dir).signing_secret() == secret
    assert [path.name for path in var_dir.iterdir()] == ["jwt_secret"]


def test_configured_secret_wins_over_the_file(tmp_path: Path) -> None:
    configured = "s" * 40

    assert Settings(var_dir=tmp_path, jwt_secret=configured).signing_secret() == configured
    assert not (tmp_path / "jwt_secret").exists()


def test_truncated_secret_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "jwt_secret").write_text("court\n")

    with pytest.raises(SettingsError, match="trop court"):
        Settings(var_dir=tmp_path).signing_secret()


@pytest.mark.parametrize("secret", ["changethis", "x" * 31])
def test_weak_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValidationError, match="trop faible"):
        Settings(jwt_secret=secret)


def test_weak_secret_from_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIETUDE_JWT_SECRET", "changethis")

    with pytest.raises(ValidationError, match="QUIETUDE_JWT_SECRET trop faible"):
        Settings()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2jo", (0, 0, 2)),
        ("8j", (0, 8, 0)),
        ("2m", (2, 0, 0)),
        ("1m 15j", (1, 15, 0)),
        (" 3JO ", (0, 0, 3)),
        ("1m2j3jo", (1, 2, 3)),
    ],
)
def test_parse_sla(text: str, expected: tuple[int, int, int]) -> None:
    assert parse_sla(text) == expected


@pytest.mark.parametrize("text", ["", "2", "jo", "2 semaines", "2h", "-2j"])
def test_parse_sla_refuses_malformed_delays(text: str) -> None:
    with pytest.raises(ValueError, match="invalide : écrire par exemple"):
        parse_sla(text)


def test_parse_sla_refuses_repeated_unit_and_zero() -> None:
    with pytest.raises(ValueError, match="apparaît deux fois"):
        parse_sla("2j3j")
    with pytest.raises(ValueError, match="supérieur à zéro"):
        parse_sla("0j")


def test_invalid_sla_setting_names_the_step() -> None:
    with pytest.raises(ValidationError, match="étape « accuse_reception »"):
        Settings(sla={"accuse_reception": "deux jours"})


@pytest.mark.parametrize("value", ["13-01", "31/03", "02-30"])
def test_invalid_treve_end_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="MM-JJ"):
        Settings(treve_end=value)


def test_workers_default_to_the_usable_cores() -> None:
    assert Settings().workers == len(os.sched_getaffinity(0))


def test_workers_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIETUDE_WORKERS", "3")

    assert Settings().workers == 3


@pytest.mark.parametrize("value", ["0", "-1", "deux", "1.5", ""])
def test_invalid_workers_are_refused_in_french(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("QUIETUDE_WORKERS", value)

    with pytest.raises(ValidationError) as refused:
        Settings()

    assert describe_settings_error(refused.value) == (
        f"  QUIETUDE_WORKERS : « {value} » invalide : nombre de workers attendu, "
        "entier au moins égal à 1."
    )
