"""Configuration of Quiétude: one settings object read from `QUIETUDE_*` environment variables."""

import contextlib
import os
import re
import secrets
import tempfile
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_LENGTH = 32
# Placeholder values copied from examples; refused whatever their length.
WEAK_SECRETS = {"changethis", "changeme", "secret", "quietude"}

_SLA_PART = re.compile(r"(\d+)\s*(jo|j|m)")
_SLA_WHOLE = re.compile(r"(?:\d+\s*(?:jo|j|m)\s*)+")


class SettingsError(ValueError):
    """A setting or a file it points to is unusable; the message is meant for the user."""


def parse_sla(text: str) -> tuple[int, int, int]:
    """Parse a delay such as "2jo", "8j", "2m" or "1m15j" into (months, days, working_days)."""
    normalised = text.strip().lower()
    if not normalised or not _SLA_WHOLE.fullmatch(normalised):
        raise ValueError(
            f"Délai « {text} » invalide : écrire par exemple « 2jo » (jours ouvrés), "
            "« 8j » (jours) ou « 2m » (mois)."
        )
    amounts: dict[str, int] = {}
    for number, unit in _SLA_PART.findall(normalised):
        if unit in amounts:
            raise ValueError(f"Délai « {text} » invalide : l'unité « {unit} » apparaît deux fois.")
        amounts[unit] = int(number)
    if not any(amounts.values()):
        raise ValueError(f"Délai « {text} » invalide : il doit être supérieur à zéro.")
    return amounts.get("m", 0), amounts.get("j", 0), amounts.get("jo", 0)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least one."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class Settings(BaseSettings):
    """Every setting of the application; each field is `QUIETUDE_<NAME>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="QUIETUDE_", extra="ignore")

    var_dir: Path = Path("var")
    # Hidden from repr: a PostgreSQL URL may carry a password.
    database_url: str = Field(default="sqlite:///var/quietude.db", repr=False)

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "quietude"
    # Workflows kept in a worker's memory between their tasks. Procedures sleep for weeks on
    # their deadlines: one evicted replays its history at its next event (see bench/memory.py).
    worker_cached_workflows: int = Field(default=200, ge=0)
    # Worker processes `quietude up` starts: one per usable core, a worker's Python using one.
    # As many on SQLite as on PostgreSQL: SQLite lets one writer at a time and the others wait
    # (WAL, 30 s busy timeout in store/db.py; a transaction opens at its first write, so the
    # wait is always possible); the rows a projection writes are its procedure's, or shared
    # counts added in one upsert (store/durations.py). One worker already writes from 16
    # activity threads; other processes take the same file locks.
    workers: int = Field(default_factory=usable_cores)
    temporal_ui_url: str = "http://127.0.0.1:8233"
    # Where people reach the pages: the links of the e-mails start with it.
    public_url: str = "http://127.0.0.1:8000"

    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    data_dir: Path = REPO_ROOT / "data" / "ile-de-france"
    templates_dir: Path = REPO_ROOT / "templates" / "docx"
    documents_dir: Path = Path("var/documents")

    jwt_secret: str | None = Field(default=None, repr=False)
    jwt_issuer: str = "quietude-local"
    jwt_audience: str = "quietude"
    token_ttl_minutes: int = Field(default=480, gt=0)
    oidc_jwks_url: str | None = None
    # Sign-in of the pages in production (authorization code flow against this issuer).
    oidc_issuer_url: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = Field(default=None, repr=False)
    # Several providers side by side (ProConnect for State agents, a bailleur's own): the file
    # listing them, and the file giving each person signed in its organisation and role.
    oidc_providers_file: Path | None = None
    oidc_mapping_file: Path | None = None

    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "quietude@quietude.invalid"
    # Where people write when a page is not accessible to them (the accessibility statement).
    accessibility_contact: str = "accessibilite@quietude.invalid"
    outbox_dir: Path = Path("var/outbox")
    # The key ring that encrypts what Temporal stores; created on first start when absent. In
    # production it is a secret file shared by every API and worker process.
    keys_file: Path = Path("var/keys.json")

    # Retention after closing (CNIL délibération 2014-123, art. 4), in years, used by
    # `quietude purge`. UNCONF: these defaults must be confirmed or set by the data protection
    # officer of the organisations. Pre-litigation (no judgment): until settled or time-barred.
    retention_signalement_years: int = Field(default=2, ge=0)
    retention_plainte_years: int = Field(default=2, ge=0)
    retention_resiliation_years: int = Field(default=2, ge=0)
    # Litigation (a judgment was given): until enforcement of the decision is time-barred.
    retention_contentieux_years: int = Field(default=10, ge=0)

    reminder_working_days: int = Field(default=2, ge=0)
    # The installation's targets per step key ("2jo", "15j", "2m"): under each département's
    # convention (conventions_file), and the defaults where no convention is signed.
    sla: dict[str, str] = Field(default_factory=dict)
    treve_end: str = "03-31"
    # The conventions signed per département (quietude.conventions), read at start.
    conventions_file: Path = REPO_ROOT / "data" / "conventions.toml"

    @field_validator("jwt_secret")
    @classmethod
    def _refuse_weak_secret(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if len(value) < MIN_SECRET_LENGTH or value.lower() in WEAK_SECRETS:
            raise ValueError(
                f"QUIETUDE_JWT_SECRET trop faible : au moins {MIN_SECRET_LENGTH} caractères "
                "aléatoires sont nécessaires (laisser vide pour en générer un sous var/)."
            )
        return value

    @field_validator("workers", mode="before")
    @classmethod
    def _check_workers(cls, value: object) -> object:
        # Before pydantic's own check, so that a word is refused in French as well.
        text = str(value).strip()
        if not text.isdigit() or int(text) < 1:
            raise ValueError(
                f"« {value} » invalide : nombre de workers attendu, entier au moins égal à 1."
            )
        return int(text)

    @field_validator("sla")
    @classmethod
    def _check_sla(cls, value: dict[str, str]) -> dict[str, str]:
        for step_key, delay in value.items():
            try:
                parse_sla(delay)
            except ValueError as error:
                raise ValueError(f"étape « {step_key} » : {error}") from None
        return value

    @field_validator("treve_end")
    @classmethod
    def _check_treve_end(cls, value: str) -> str:
        try:
            # A leap year, so that 02-29 is accepted as a day that exists.
            datetime.strptime(f"2000-{value}", "%Y-%m-%d")
        except ValueError:
            raise ValueError(
                f"QUIETUDE_TREVE_END « {value} » invalide : "
                "format attendu MM-JJ, par exemple 03-31."
            ) from None
        return value

    @model_validator(mode="after")
    def _derive_paths(self) -> "Settings":
        # Paths under var_dir follow it unless they were given explicitly.
        if "database_url" not in self.model_fields_set:
            self.database_url = f"sqlite:///{self.var_dir}/quietude.db"
        if "outbox_dir" not in self.model_fields_set:
            self.outbox_dir = self.var_dir / "outbox"
        if "keys_file" not in self.model_fields_set:
            self.keys_file = self.var_dir / "keys.json"
        if "documents_dir" not in self.model_fields_set:
            self.documents_dir = self.var_dir / "documents"
        return self

    @property
    def demo_sign_in(self) -> bool:
        """The demonstration sign-in exists only while no identity provider is configured."""
        return not self.oidc_jwks_url and self.oidc_providers_file is None

    def signing_secret(self) -> str:
        """Return the local token secret: the configured one, else var_dir/jwt_secret."""
        if self.jwt_secret is not None:
            return self.jwt_secret
        path = self.var_dir / "jwt_secret"
        if not path.exists():
            _create_secret_file(path)
        return _read_secret_file(path)


def _create_secret_file(path: Path) -> None:
    # Written aside then linked into place, so that two processes starting together
    # never read a half-written file and agree on one secret.
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".jwt_secret-")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(48))
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def _read_secret_file(path: Path) -> str:
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"Le secret des jetons dans {path} est vide ou trop court : supprimer ce fichier "
            "pour en générer un nouveau (les jetons déjà émis ne seront plus valables)."
        )
    return secret


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings read from the environment, once per process."""
    return Settings()
