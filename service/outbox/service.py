"""The outbox: other rooms enqueue e-mails in their own transaction; a dispatcher sends them.

Writing a reminder and deciding it is due happen in one transaction, so a crash loses
neither; sending happens after the commit (transition, commit, then send). The message id
derives from the reminder key, so a message sent again after a crash in the window between
the server's "250 accepted" and our "sent" carries the same Message-ID, and mail clients
show it once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.service import record
from service.errors import NotFound
from service.outbox import repository
from service.outbox.rendering import render
from service.outbox.settings import MailSettings

STATUS_LABELS = {
    "pending": "wartet",
    "sending": "wird versandt",
    "sent": "versandt",
    "failed": "fehlgeschlagen",
}


@dataclass(frozen=True)
class Mail:
    """An e-mail to enqueue; ``kind`` names its template pair under ``templates/``."""

    reminder_key: str
    kind: str
    recipient_email: str
    subject: str
    context: dict[str, Any]
    recipient_person_id: int | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    ics: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def message_id_for(reminder_key: str, settings: MailSettings) -> str:
    """The same reminder key gives the same Message-ID, in every process and every attempt."""
    domain = parseaddr(settings.mail_sender)[1].rpartition("@")[2] or "ratsflow.invalid"
    digest = hashlib.sha256(reminder_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def enqueue(connection: Connection, mail: Mail, settings: MailSettings, now: datetime) -> bool:
    """Adds the e-mail unless its reminder key is already there; True when it is new."""
    text, html = render(mail.kind, {"betreff": mail.subject, **mail.context})
    return repository.insert_once(
        connection,
        {
            "reminder_key": mail.reminder_key,
            "kind": mail.kind,
            "entity_type": mail.entity_type,
            "entity_id": mail.entity_id,
            "recipient_person_id": mail.recipient_person_id,
            "recipient_email": mail.recipient_email,
            "subject": mail.subject,
            "body_text": text,
            "body_html": html,
            "ics": mail.ics,
            "message_id": message_id_for(mail.reminder_key, settings),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        },
    )


def list_messages(
    connection: Connection,
    statuses: Sequence[str] | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> list[Any]:
    return repository.page(connection, statuses, after_id, limit)


def status_counts(connection: Connection) -> dict[str, int]:
    return repository.counts(connection)


class NotRetryable(ValueError):
    """Only dead letters are resent by hand; the others are still on their way."""

    def __init__(self, message_id: int, status: str) -> None:
        super().__init__(
            f"Nachricht {message_id} ist „{STATUS_LABELS.get(status, status)}“; erneut senden "
            "lassen sich nur fehlgeschlagene Nachrichten."
        )
        self.detail = str(self)


def retry(
    connection: Connection, chain_key: str, message_id: int, actor: Actor, now: datetime
) -> Any:
    """Puts a dead letter back in the queue; the next dispatch sends it (same Message-ID)."""
    row = repository.requeue(connection, message_id, now)
    if row is None:
        existing = repository.get(connection, message_id)
        if existing is None:
            raise NotFound("Nachricht", message_id)
        raise NotRetryable(message_id, existing.status)
    record(
        connection,
        chain_key,
        actor=actor,
        now=now,
        action="outbox.retry",
        entity_type="outbox",
        entity_id=message_id,
        changes={"status": ("failed", "pending")},
        persons=[row.recipient_person_id],
    )
    return row
