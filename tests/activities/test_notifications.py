"""The e-mails of the reminders and escalations: a subject every reader reads whole, and a
link to the step's page."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.header import decode_header, make_header
from pathlib import Path

from sqlalchemy import Engine

from activities.notifications import NotificationActivities
from domain.contracts import Notification, NotificationKind
from quietude.settings import Settings
from tests.builders import POLICE_EVRY

PROCEDURE_ID = "signalement-2030-000042"
# A label long enough for the subject to be folded between two encoded words.
SUBJECT = "Rappel : « Retour d'information au bailleur » à accomplir avant le 25 novembre 2026"


def _sent(engine: Engine, outbox: Path, **settings: str) -> bytes:
    activity = NotificationActivities(engine, outbox, "quietude@quietude.invalid", **settings)
    activity.send(
        Notification(
            id=f"{PROCEDURE_ID}:accuse_reception:1:rappel",
            kind=NotificationKind.RAPPEL,
            procedure_id=PROCEDURE_ID,
            step_key="accuse_reception",
            org_id=POLICE_EVRY,
            subject=SUBJECT,
            body="Étape à accomplir.",
        )
    )
    (path,) = outbox.iterdir()
    return path.read_bytes()


def test_the_subject_keeps_its_space_after_the_closing_quote(
    reference_engine: Engine, tmp_path: Path
) -> None:
    raw = _sent(reference_engine, tmp_path / "outbox")
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == SUBJECT
    legacy = message_from_bytes(raw, policy=policy.compat32)["Subject"]
    assert str(make_header(decode_header(legacy))) == SUBJECT


def test_the_mail_links_to_the_page_of_its_step(reference_engine: Engine, tmp_path: Path) -> None:
    raw = _sent(reference_engine, tmp_path / "outbox", public_url="https://quietude.example.fr/")
    body = message_from_bytes(raw, policy=policy.default).get_content()
    link = f"https://quietude.example.fr/procedures/{PROCEDURE_ID}/etapes/accuse_reception"
    assert f"Ouvrir l'étape : {link}" in body


def test_the_public_address_defaults_to_the_local_api() -> None:
    assert Settings().public_url == "http://127.0.0.1:8000"
