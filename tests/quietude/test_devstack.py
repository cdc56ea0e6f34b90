"""The embedded stack: Temporal's command line, start-up, restarts, crash and ordered shutdown."""

import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from quietude.devstack import DevStack, port_in_use, temporal_binary, temporal_command
from quietude.settings import Settings
from quietude.supervision import RestartPolicy
from quietude.temporal_client import SEARCH_ATTRIBUTES
from tests.devstack_runs import run_beside, wait_until
from tests.fixtures import free_port
from workflows import search_attributes

# A stand-in for the worker and the API: on SIGINT it records whether Temporal was still
# up (so the test sees the shutdown order), then exits; it may listen on a port like the API.
# "{pid}" in its marker's name becomes its process id (one marker per worker process).
FAKE_CHILD = """
import os, signal, socket, sys, time
marker = sys.argv[1].replace("{pid}", str(os.getpid()))
temporal_port, listen_port = int(sys.argv[2]), int(sys.argv[3])

def on_sigint(signum, frame):
    try:
        socket.create_connection(("127.0.0.1", temporal_port), timeout=1).close()
        state = "temporal-up"
    except OSError:
        state = "temporal-down"
    open(marker, "w").write(state)
    sys.exit(0)

signal.signal(signal.SIGINT, on_sigint)
open(marker + ".ready", "w").close()
if listen_port:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen()
while True:
    time.sleep(0.1)
"""

QUICK_RESTARTS = RestartPolicy(first=0.2, longest=0.8, steady=60.0)


@pytest.fixture
def stack_settings(tmp_path: Path) -> Settings:
    temporal_port, ui_port, api_port = free_port(), free_port(), free_port()
    return Settings(
        var_dir=tmp_path / "var",
        temporal_address=f"127.0.0.1:{temporal_port}",
        temporal_ui_url=f"http://127.0.0.1:{ui_port}",
        api_port=api_port,
    )


@pytest.fixture
def fake_child(tmp_path: Path) -> Path:
    script = tmp_path / "fake_child.py"
    script.write_text(FAKE_CHILD)
    return script


def fake_command(script: Path, marker: Path, settings: Settings, listen: int = 0) -> list[str]:
    temporal_port = settings.temporal_address.rsplit(":", 1)[1]
    return [sys.executable, str(script), str(marker), temporal_port, str(listen)]


@pytest.fixture
def stop_when_api_listens(tmp_path: Path) -> Iterator[list[DevStack]]:
    """Register a stack here: it is asked to stop once its fake worker and API are ready."""
    stacks: list[DevStack] = []

    def watch() -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            api_ready = stacks and port_in_use("127.0.0.1", stacks[0].settings.api_port)
            if api_ready and (tmp_path / "worker.ready").exists():
                time.sleep(0.5)
                stacks[0].request_stop()
                return
            time.sleep(0.2)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield stacks
    thread.join(timeout=100)


def test_temporal_command_registers_every_search_attribute(tmp_path: Path) -> None:
    settings = Settings(
        var_dir=tmp_path, temporal_address="127.0.0.1:7300", temporal_ui_url="http://127.0.0.1:8300"
    )

    command = temporal_command(settings, binary="temporal")

    pairs = {command[i + 1] for i, arg in enumerate(command) if arg == "--search-attribute"}
    assert pairs == {f"{name}={kind}" for name, kind in SEARCH_ATTRIBUTES.items()}
    assert len(pairs) == 5
    assert command[:3] == ["temporal", "server", "start-dev"]
    flags = dict(zip(command[3::2], command[4::2], strict=False))
    assert flags["--db-filename"] == str(tmp_path / "temporal.db")
    assert (flags["--port"], flags["--ui-port"], flags["--ip"]) == ("7300", "8300", "127.0.0.1")


def test_search_attributes_match_the_workflow_keys() -> None:
    from temporalio.api.enums.v1 import IndexedValueType

    declared = {
        key.name: "".join(
            part.capitalize()
            for part in IndexedValueType.Name(key.indexed_value_type)
            .removeprefix("INDEXED_VALUE_TYPE_")
            .split("_")
        )
        for key in search_attributes.ALL
    }
    assert declared == SEARCH_ATTRIBUTES


def test_temporal_binary_is_found_next_to_python() -> None:
    assert Path(temporal_binary()).name == "temporal"


def test_up_refuses_a_busy_port(stack_settings: Settings) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", stack_settings.api_port))
        busy.listen()
        stack = DevStack(stack_settings, prepare=lambda settings: None)

        assert stack.run() == 1
    assert not (stack_settings.var_dir / "temporal.db").exists()


def test_stop_request_stops_children_before_temporal(
    stack_settings: Settings,
    fake_child: Path,
    tmp_path: Path,
    stop_when_api_listens: list[DevStack],
) -> None:
    prepared: list[Settings] = []
    stack = DevStack(
        stack_settings,
        worker_command=fake_command(fake_child, tmp_path / "worker", stack_settings),
        api_command=fake_command(
            fake_child, tmp_path / "api", stack_settings, listen=stack_settings.api_port
        ),
        prepare=prepared.append,
    )
    stop_when_api_listens.append(stack)

    assert stack.run() == 0

    assert prepared == [stack_settings]
    assert (tmp_path / "worker").read_text() == "temporal-up"
    assert (tmp_path / "api").read_text() == "temporal-up"
    assert (stack_settings.var_dir / "temporal.db").is_file()
    host, port = stack_settings.temporal_address.split(":")
    assert not port_in_use(host, int(port))


def fake_stack(settings: Settings, fake_child: Path, folder: Path) -> DevStack:
    """A stack whose workers and API are fake children leaving markers in `folder`: one per
    worker process (worker-<pid>), and "api" for the API, which listens on its port."""
    return DevStack(
        settings,
        worker_command=fake_command(fake_child, folder / "worker-{pid}", settings),
        api_command=fake_command(fake_child, folder / "api", settings, listen=settings.api_port),
        prepare=lambda settings: None,
        restarts=QUICK_RESTARTS,
    )


def ready_workers(folder: Path) -> set[str]:
    """The process ids of the fake workers that have started."""
    return {path.name.split("-")[1].split(".")[0] for path in folder.glob("worker-*.ready")}


def test_up_starts_as_many_workers_as_the_setting_says(
    stack_settings: Settings, fake_child: Path, tmp_path: Path
) -> None:
    settings = stack_settings.model_copy(update={"workers": 3})
    stack = fake_stack(settings, fake_child, tmp_path)

    def scenario(stack: DevStack) -> None:
        wait_until(lambda: len(ready_workers(tmp_path)) == 3, "three workers ready")
        wait_until(lambda: port_in_use("127.0.0.1", settings.api_port), "the API listening")

    assert run_beside(stack, scenario) == 0

    pids = ready_workers(tmp_path)
    assert len(pids) == 3
    for pid in pids:
        assert (tmp_path / f"worker-{pid}").read_text() == "temporal-up"
    assert (tmp_path / "api").read_text() == "temporal-up"


def test_a_killed_worker_is_started_again_and_the_rest_keeps_running(
    stack_settings: Settings,
    fake_child: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = stack_settings.model_copy(update={"workers": 2})
    stack = fake_stack(settings, fake_child, tmp_path)
    seen: dict[str, int] = {}

    def scenario(stack: DevStack) -> None:
        wait_until(lambda: len(ready_workers(tmp_path)) == 2, "two workers ready")
        wait_until(lambda: port_in_use("127.0.0.1", settings.api_port), "the API listening")
        worker_1, worker_2, api = (child.process for child in stack.children)
        assert worker_1 is not None and worker_2 is not None and api is not None
        seen.update(worker_1=worker_1.pid, worker_2=worker_2.pid, api=api.pid)
        worker_2.kill()
        wait_until(lambda: len(ready_workers(tmp_path)) == 3, "the killed worker replaced")

    with caplog.at_level(logging.INFO):
        assert run_beside(stack, scenario) == 0

    assert (
        f"Worker 2 : arrêt inattendu (code -{signal.SIGKILL.value}) ; redémarrage dans 0,2 s."
        in caplog.messages
    )
    assert "Worker 2 : redémarrage." in caplog.messages
    assert not any(m.startswith(("Worker 1 :", "API :")) for m in caplog.messages)
    replacement = ready_workers(tmp_path) - {str(seen["worker_1"]), str(seen["worker_2"])}
    assert len(replacement) == 1
    # Stopped in order at the end: the first worker, the replacement and the first API.
    for pid in (str(seen["worker_1"]), *replacement):
        assert (tmp_path / f"worker-{pid}").read_text() == "temporal-up"
    assert not (tmp_path / f"worker-{seen['worker_2']}").exists()
    assert (tmp_path / "api").read_text() == "temporal-up"


def test_temporal_dying_stops_the_whole_stack(
    stack_settings: Settings,
    fake_child: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stack = fake_stack(stack_settings.model_copy(update={"workers": 1}), fake_child, tmp_path)

    def scenario(stack: DevStack) -> None:
        wait_until(lambda: len(ready_workers(tmp_path)) == 1, "the worker ready")
        wait_until(lambda: (tmp_path / "api.ready").exists(), "the API ready")
        assert stack.temporal is not None
        stack.temporal.kill()
        wait_until(lambda: (tmp_path / "api").exists(), "the API stopped")

    assert run_beside(stack, scenario) == 1

    code = -signal.SIGKILL.value
    assert (
        f"Temporal : arrêt inattendu (code {code}) ; arrêt de toute la pile Quiétude."
        in caplog.messages
    )
    (pid,) = ready_workers(tmp_path)
    assert (tmp_path / f"worker-{pid}").read_text() == "temporal-down"
    assert (tmp_path / "api").read_text() == "temporal-down"
    assert not any("redémarrage" in message for message in caplog.messages)
