"""Turning "tell these people about this" into outbox rows, one per recipient."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.outbox.service import Mail, enqueue
from service.runtime import Runtime
from service.scheduler.recipients import Recipient

log = logging.getLogger("ratsflow.scheduler")


def notify(
    runtime: Runtime,
    connection: Connection,
    recipients: Iterable[Recipient],
    *,
    key: str,
    kind: str,
    subject: str,
    context: dict[str, Any],
    now: datetime,
    entity: tuple[str, int] | None = None,
    ics: str | None = None,
) -> int:
    """Enqueues one e-mail per recipient under ``key/person:<id>``; returns how many are new.

    The recipient belongs in the key: the same reminder to the responsible person and to
    their deputy, or to two holders of a role, are two messages.
    """
    fallback = runtime.settings.mail.mail_fallback_recipient
    written = 0
    for recipient in recipients:
        email = recipient.email or fallback
        if not email:
            log.warning("Keine E-Mail-Adresse für Person %s: %s entfällt", recipient.person_id, key)
            continue
        mail = Mail(
            reminder_key=f"{key}/person:{recipient.person_id}",
            kind=kind,
            recipient_email=email,
            recipient_person_id=recipient.person_id,
            subject=subject,
            context={
                "anrede": f"Guten Tag {recipient.name},",
                "vertretung": recipient.on_behalf_of,
                **context,
            },
            entity_type=entity[0] if entity else None,
            entity_id=entity[1] if entity else None,
            ics=ics,
        )
        written += enqueue(runtime, connection, mail, now)
    return written
