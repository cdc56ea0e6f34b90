"""Reminders and escalations go through a real SMTP server when one is configured."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from domain.contracts import Policy
from quietude.settings import Settings
from quietude.worker import build_worker
from tests.builders import POLICE_EVRY, signalement_start
from tests.workflows.helpers import pending, skip_to, start_procedure, view
from workflows.signalement import SignalementWorkflow


class Collector:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Collector, int]]:
    collector, port = Collector(), free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    yield collector, port
    controller.stop()


async def test_escalation_is_mailed_to_the_managers_over_smtp(
    time_env, read_model, tmp_path, smtp_server
):
    collector, port = smtp_server
    settings = Settings(var_dir=tmp_path / "smtp", smtp_host="127.0.0.1", smtp_port=port)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(
            time_env.client, settings, read_model, executor, task_queue=f"tq-{uuid.uuid4()}"
        )
        async with worker:
            start = signalement_start(created_on=date(2030, 3, 4))
            # A reminder 1 working day ahead: Tuesday 5 March 08:00, the step due Wednesday 6.
            start.policy = Policy(reminder_working_days=1)
            handle = await start_procedure(time_env.client, worker, SignalementWorkflow, start)
            await skip_to(time_env, date(2030, 3, 7))
            assert pending(await view(handle))["accuse_reception"].escalated
    subjects = {m["Subject"]: m["To"] for m in collector.messages}
    reminder = next(s for s in subjects if s.startswith("Rappel"))
    escalation = next(s for s in subjects if s.startswith("Escalade"))
    assert subjects[reminder] == f"{POLICE_EVRY}@quietude.invalid"
    assert subjects[escalation] == f"responsables.{POLICE_EVRY}@quietude.invalid"
    assert len(collector.messages) == 2  # each sent once
    assert not settings.outbox_dir.exists()  # nothing written to the .eml outbox
