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

from service.access import PERMISSIONS, holds
from service.actor import SYSTEM, Actor
from service.audit.repository import lock_chain
from service.audit.service import log_read, record
from service.bodies.service import all_profiles, current_body_id
from service.errors import AccessDenied, NotFound, ServiceError
from service.outbox import repository
from service.outbox.rendering import render
from service.outbox.settings import MailSettings
from service.runtime import Runtime

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


def enqueue(
    runtime: Runtime, connection: Connection, mail: Mail, now: datetime | None = None
) -> bool:
    """Adds the e-mail of the runtime's body unless its reminder key is already there; True
    when it is new. ``now``: the moment a job runs for, when it is not the clock's."""
    text, html = render(mail.kind, {"betreff": mail.subject, **mail.context})
    settings = runtime.settings.mail
    now = now or runtime.now()
    return repository.insert_once(
        connection,
        {
            "body_id": runtime.body_id_in(connection),
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


def written_before(connection: Connection, keys: Sequence[str]) -> set[str]:
    """Which of these reminder keys already have their message (sent or not)."""
    return repository.existing_keys(connection, keys)


@dataclass(frozen=True)
class Withdrawal:
    """What ``withdraw_unsent`` did with a set of keys."""

    withdrawn: frozenset[str]  # messages taken back: they never go out now
    # Messages that went out or may have: sent, being sent, or taken back after an attempt
    # whose outcome is unknown (a crash between the server's acceptance and "sent").
    may_have_arrived: frozenset[str]


def withdraw_unsent(connection: Connection, keys: Sequence[str]) -> Withdrawal:
    """Takes back every message of ``keys`` that has not gone out, in the caller's
    transaction, so that it never does (a retry by hand included), and says which of
    ``keys`` may have reached their recipient all the same.

    The delete comes first: a message a dispatcher claims meanwhile is left to it (the
    delete skips it), and the look that follows counts it as arrived."""
    taken = repository.delete_unsent(connection, keys)
    tried = {key for key, attempts in taken if attempts > 0}
    return Withdrawal(
        withdrawn=frozenset(key for key, _ in taken),
        may_have_arrived=frozenset(repository.existing_keys(connection, keys) | tried),
    )


def senders(connection: Connection, settings: MailSettings) -> dict[int, str]:
    """Each body's From address: its own (``BodySettings.mail_sender``) or the deployment's."""
    return {p.id: p.settings.mail_sender or settings.mail_sender for p in all_profiles(connection)}


@dataclass(frozen=True)
class MessagePage:
    rows: list[Any]
    more: bool


def _require(actor: Actor, permission: str) -> None:
    # The console's operator (SYSTEM) holds the database anyway.
    if actor != SYSTEM and not holds(actor, permission):
        roles = " und ".join(sorted(PERMISSIONS[permission]))
        raise AccessDenied(f"Den Postausgang sehen und bearbeiten nur {roles}.")


def read_messages(
    runtime: Runtime,
    actor: Actor,
    statuses: Sequence[str] | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> MessagePage:
    """A page of the body's outbox, oldest first, for the API and the command line.

    Each row names its recipient's e-mail address: the read is logged (``outbox.read``,
    naming the recipients shown) before the page is returned.
    """
    _require(actor, "outbox.read")
    with runtime.read() as connection:
        rows = repository.page(connection, runtime.body_id, statuses, after_id, limit + 1)
    shown = rows[:limit]
    if shown:
        recipients = sorted({r.recipient_person_id for r in shown if r.recipient_person_id})
        log_read(runtime, actor, "outbox", None, persons=recipients)
    return MessagePage(shown, more=len(rows) > limit)


class NotRetryable(ServiceError):
    """Only dead letters are resent by hand; the others are still on their way."""

    status = 409
    slug = "nicht-wiederholbar"
    title = "Nicht erneut sendbar"

    def __init__(self, message_id: int, status: str) -> None:
        super().__init__(
            f"Nachricht {message_id} ist „{STATUS_LABELS.get(status, status)}“; erneut senden "
            "lassen sich nur fehlgeschlagene Nachrichten."
        )


def retry(
    connection: Connection, chain_key: str, message_id: int, actor: Actor, now: datetime
) -> Any:
    """Puts a dead letter of the body back in the queue; the next dispatch sends it (same
    Message-ID). Another body's message is as unknown as a wrong id.

    The chain lock comes before the row is touched, as for every audited write.
    """
    _require(actor, "outbox.retry")
    lock_chain(connection, chain_key)
    body_id = current_body_id(connection, chain_key)
    row = repository.requeue(connection, message_id, body_id, now)
    if row is None:
        existing = repository.get(connection, message_id, body_id)
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


def unsent_counts(connection: Connection) -> dict[str, int]:
    """The whole installation's unsent mail by state, for monitoring (no contents)."""
    return repository.unsent_counts(connection)
