"""Reminders and escalations go through a real SMTP server when one is configured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from domain.contracts import Policy
from tests.builders import POLICE_EVRY, signalement_start
from tests.fixtures import free_port, running_worker, settings_for, unique_queue
from tests.workflows.helpers import pending, skip_to, start_procedure, view
from workflows.signalement import SignalementWorkflow


class Collector:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


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
    settings = settings_for(tmp_path / "smtp", smtp_host="127.0.0.1", smtp_port=port)
    async with running_worker(time_env.client, settings, read_model, unique_queue("tq")) as worker:
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
