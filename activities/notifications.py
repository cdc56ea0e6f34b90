"""Reminders and escalations: by SMTP when configured, else as .eml files in an outbox."""

from __future__ import annotations

import hashlib
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.contracts import Notification, NotificationKind
from store.db import session_scope
from store.tables import Notification as NotificationRow
from store.tables import Organisation

# Headers not folded below the 998 characters SMTP allows: Python folds a subject between two
# encoded words and readers then drop the space there ("« Décision »à accomplir").
MAIL_POLICY = policy.default.clone(max_line_length=998)


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False


class NotificationActivities:
    """Sends each notification once: its deterministic id is recorded after sending."""

    def __init__(
        self,
        engine: Engine,
        outbox_dir: Path,
        mail_from: str,
        smtp: SmtpConfig | None = None,
        public_url: str = "http://127.0.0.1:8000",
    ) -> None:
        self.engine = engine
        self.outbox_dir = outbox_dir
        self.mail_from = mail_from
        self.smtp = smtp
        self.public_url = public_url.rstrip("/")

    def step_url(self, notification: Notification) -> str:
        """The page of the step the notification is about."""
        procedure, step = quote(notification.procedure_id), quote(notification.step_key)
        return f"{self.public_url}/procedures/{procedure}/etapes/{step}"

    @activity.defn(name="send_notification")
    def send(self, notification: Notification) -> None:
        """Send a reminder to the assignee or an escalation to its managers, once."""
        with session_scope(self.engine) as session:
            row = session.get(NotificationRow, notification.id)
            if row is not None and row.sent_at is not None:
                return
            org = session.get(Organisation, notification.org_id)
            if org is None:
                raise ApplicationError(
                    f"organisation inconnue : {notification.org_id}", non_retryable=True
                )
            recipients = (
                org.email if notification.kind == NotificationKind.RAPPEL else org.managers_email
            )
        message = self._message(notification, recipients)
        transport, path = self._deliver(notification, message)
        with session_scope(self.engine) as session:
            row = session.get(NotificationRow, notification.id) or NotificationRow(
                id=notification.id,
                procedure_id=notification.procedure_id,
                step_key=notification.step_key,
                kind=notification.kind.value,
                recipients=recipients,
                subject=notification.subject,
                transport=transport,
            )
            row.sent_at = datetime.now(UTC)
            row.transport = transport
            row.path = path
            session.add(row)

    def _message(self, notification: Notification, recipients: str) -> EmailMessage:
        message = EmailMessage(policy=MAIL_POLICY)
        digest = hashlib.sha256(notification.id.encode()).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@quietude>"
        message["From"] = self.mail_from
        message["To"] = recipients
        message["Subject"] = notification.subject
        message["Date"] = format_datetime(datetime.now(UTC))
        message["X-Quietude-Procedure"] = notification.procedure_id
        message.set_content(
            f"{notification.body}\nOuvrir l'étape : {self.step_url(notification)}\n"
        )
        return message

    def _deliver(self, notification: Notification, message: EmailMessage) -> tuple[str, str | None]:
        if self.smtp is not None:
            with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=30) as client:
                if self.smtp.starttls:
                    client.starttls()
                if self.smtp.user and self.smtp.password:
                    client.login(self.smtp.user, self.smtp.password)
                client.send_message(message)
            return "smtp", None
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        path = self.outbox_dir / (notification.id.replace(":", "_").replace("/", "_") + ".eml")
        path.write_bytes(bytes(message))
        return "eml", str(path)
