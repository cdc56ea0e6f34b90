"""Static checks of the production topology (docker-compose.yml and Dockerfile): Docker does not
run here, so the files are read as data and held against the code they start."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from quietude.cli import build_parser
from quietude.settings import Settings
from quietude.temporal_client import SEARCH_ATTRIBUTES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
# ${NAME:?message} (required) and ${NAME:-default} (optional) in compose interpolation.
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?::(?P<op>[?-])(?P<arg>[^}]*))?\}")
SETTINGS_NAMES = {f"QUIETUDE_{name.upper()}" for name in Settings.model_fields}
APP_SERVICES = ("migrate", "api", "worker")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict) and isinstance(loaded.get("services"), dict)
    return loaded


def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a mapping, whichever of the two forms it is written in."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def interpolate(value: str) -> str:
    """What compose would substitute, with a strong stand-in for every required secret."""

    def substitute(match: re.Match[str]) -> str:
        if match["op"] == "-":
            return match["arg"]
        return "x" * 48

    return INTERPOLATION.sub(substitute, value)


def test_every_service_has_an_image_or_a_build(compose):
    for name, service in services(compose).items():
        assert service.get("image") or service.get("build"), name


def test_quietude_variables_are_settings_the_code_reads(compose):
    used = set()
    for service in services(compose).values():
        used |= {key for key in environment(service) if key.startswith("QUIETUDE_")}
    used |= set(re.findall(r"QUIETUDE_\w+", DOCKERFILE.read_text(encoding="utf-8")))
    assert used, "no QUIETUDE_* variable found"
    assert used <= SETTINGS_NAMES, sorted(used - SETTINGS_NAMES)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_application_environment_is_valid_settings(compose, name, monkeypatch):
    service = services(compose)[name]
    for key in [k for k in os.environ if k.startswith("QUIETUDE_")]:
        monkeypatch.delenv(key)
    for key, value in environment(service).items():
        if key.startswith("QUIETUDE_"):
            monkeypatch.setenv(key, interpolate(value))
    settings = Settings()
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.temporal_address == "temporal:7233"
    assert settings.smtp_host == "mailpit" and settings.smtp_port == 1025
    assert str(settings.keys_file).startswith("/run/secrets/")
    assert settings.jwt_secret is not None and not settings.oidc_jwks_url


def test_ports_are_well_formed_and_not_published_twice(compose):
    published: list[int] = []
    for name, service in services(compose).items():
        for port in service.get("ports", []):
            host, _, container = str(port).rpartition(":")
            assert host and container, f"{name}: {port}"
            assert 0 < int(host) < 65536 and 0 < int(container) < 65536
            published.append(int(host))
        for port in service.get("expose", []):
            assert 0 < int(port) < 65536
    assert len(published) == len(set(published))
    # The replicated API must not publish a host port: the proxy is its only way in.
    assert "ports" not in services(compose)["api"]


def test_dependencies_exist_and_wait_for_health_or_completion(compose):
    known = services(compose)
    for name, service in known.items():
        depends = service.get("depends_on") or {}
        if isinstance(depends, list):
            depends = {target: {"condition": "service_started"} for target in depends}
        for target, rule in depends.items():
            assert target in known, f"{name} depends on unknown {target}"
            condition = rule.get("condition")
            if condition == "service_healthy":
                assert "healthcheck" in known[target], f"{target} has no healthcheck"
            else:
                assert condition == "service_completed_successfully", (name, target)
                assert known[target].get("restart") == "no", target


def test_long_running_services_have_health_checks(compose):
    for name, service in services(compose).items():
        if service.get("restart") != "no":
            assert service.get("healthcheck", {}).get("test"), name


def test_volumes_secrets_and_configs_are_declared(compose):
    volumes = set(compose.get("volumes") or {})
    secrets = set(compose.get("secrets") or {})
    configs = set(compose.get("configs") or {})
    for name, service in services(compose).items():
        for mount in service.get("volumes", []):
            source = str(mount).split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in volumes, f"{name}: volume {source} not declared"
        for secret in service.get("secrets", []):
            assert (secret if isinstance(secret, str) else secret["source"]) in secrets
        for config in service.get("configs", []):
            assert (config if isinstance(config, str) else config["source"]) in configs
    assert "pgdata" in volumes


def test_two_api_replicas_behind_a_proxy_and_two_workers_on_one_queue(compose):
    known = services(compose)
    assert known["api"]["deploy"]["replicas"] == 2
    assert known["api"]["command"] == ["api"]
    workers = [s for s in known.values() if s.get("command") == ["worker"]]
    assert sum(s.get("deploy", {}).get("replicas", 1) for s in workers) == 2
    queues = {environment(s)["QUIETUDE_TASK_QUEUE"] for s in [known["api"], *workers]}
    assert len(queues) == 1
    keys = {environment(s)["QUIETUDE_KEYS_FILE"] for s in [known["api"], *workers]}
    assert len(keys) == 1, "every process must share one key ring"
    caddyfile = compose["configs"]["caddyfile"]["content"]
    assert "api 8000" in caddyfile


def test_commands_exist_in_the_cli(compose):
    parser = build_parser()
    for name in APP_SERVICES:
        # An unknown command makes argparse exit: the image would not start.
        assert parser.parse_args(services(compose)[name]["command"]).handler


def test_temporal_on_postgresql_with_the_search_attributes(compose):
    known = services(compose)
    temporal = environment(known["temporal"])
    assert temporal["DB"] == "postgres12" and temporal["POSTGRES_SEEDS"] == "postgres"
    setup = " ".join(known["temporal-search-attributes"]["command"])
    for name, kind in SEARCH_ATTRIBUTES.items():
        assert f"{name}={kind}" in setup
    assert environment(known["temporal-ui"])["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert "mailpit" in known["mailpit"]["image"]


def test_dockerfile_builds_one_image_run_as_a_non_root_user():
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert re.search(r'^ENTRYPOINT \["quietude"\]', text, re.M)
    assert re.search(r"pip install", text)
