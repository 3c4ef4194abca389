"""Turning "tell these people about this" into outbox rows, one per recipient.

No one is dropped in silence. A recipient without an e-mail address gets their mail at the
fallback address (``RATSFLOW_MAIL_FALLBACK_RECIPIENT``) if there is one, else each of the
mail's contacts (``recipients.Contacts``: the AG lead, the Sitzungsdienst) gets it, naming
whom it was for, so that they pass it on another way; the log says so in both cases.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.outbox.service import Mail, enqueue
from service.runtime import Runtime
from service.scheduler.readers import Page, Reader
from service.scheduler.recipients import Contacts, Recipient

log = logging.getLogger("ratsflow.scheduler")


def mail_key(key: str, person_id: int, via: int | None = None) -> str:
    """The reminder key of the mail for ``person_id`` (``via``: the contact who gets it
    in their stead)."""
    own = f"{key}/person:{person_id}"
    return own if via is None else f"{own}/via:person:{via}"


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
    contacts: Contacts | None = None,
) -> int:
    """Enqueues one e-mail per recipient under ``key/person:<id>``; returns how many are new.

    The recipient belongs in the key: the same reminder to the responsible person and to
    their deputy, or to two holders of a role, are two messages. Each ``Page`` in
    ``context`` becomes the link its reader can open (``readers``); where a reader cannot
    work on an item there, the mail names ``contacts`` to answer instead.
    """
    fallback = runtime.settings.mail.mail_fallback_recipient
    mail = _Mailing(runtime, connection, kind, subject, context, now, entity, ics, contacts)
    written = 0
    for recipient in recipients:
        if recipient.email or fallback:
            # The fallback mailbox passes the letter on as it is: the addressee's links.
            written += mail.write(
                to=recipient.email or fallback or "",
                reader=recipient,
                key=mail_key(key, recipient.person_id),
                unreached=None if recipient.email else recipient,
            )
            continue
        known = contacts.people if contacts else []
        stand_ins = [c for c in known if c.email and c.person_id != recipient.person_id]
        log.warning(
            "Keine E-Mail-Adresse für Person %s: %s %s",
            recipient.person_id,
            key,
            f"geht an Person {', '.join(str(s.person_id) for s in stand_ins)}"
            if stand_ins
            else "entfällt",
        )
        for stand_in in stand_ins:
            written += mail.write(
                to=stand_in.email or "",
                reader=stand_in,
                key=mail_key(key, recipient.person_id, via=stand_in.person_id),
                unreached=recipient,
            )
    return written


@dataclass(frozen=True)
class _Mailing:
    """One mail as a job asked for it, written for each reader."""

    runtime: Runtime
    connection: Connection
    kind: str
    subject: str
    context: dict[str, Any]
    now: datetime
    entity: tuple[str, int] | None
    ics: str | None
    contacts: Contacts | None

    def write(self, *, to: str, reader: Recipient, key: str, unreached: Recipient | None) -> bool:
        """``reader``: whom the mail greets and whose links it carries; ``unreached``: the
        person it is meant for, when they have no address of their own."""
        web = Reader(self.runtime, self.connection, reader.person_id)
        pages: list[Page] = []
        resolved = _resolve(self.context, web, pages)
        stand_in = unreached is not None and unreached.person_id != reader.person_id
        answer = None
        if self.contacts and any(not web.acts_on(p) for p in pages):
            answer = _names([c for c in self.contacts.people if c.person_id != reader.person_id])
        context = {
            "anrede": f"Guten Tag {reader.name},",
            "vertretung": reader.on_behalf_of,
            "nicht_erreicht": unreached.name if unreached else None,
            "kontakt": answer,
            **resolved,
        }
        return enqueue(
            self.runtime,
            self.connection,
            Mail(
                reminder_key=key,
                kind=self.kind,
                recipient_email=to,
                recipient_person_id=reader.person_id,
                subject=f"Zur Weitergabe an {unreached.name}: {self.subject}"
                if stand_in and unreached
                else self.subject,
                context=context,
                entity_type=self.entity[0] if self.entity else None,
                entity_id=self.entity[1] if self.entity else None,
                ics=self.ics,
            ),
            self.now,
        )


def _resolve(value: Any, reader: Reader, pages: list[Page]) -> Any:
    if isinstance(value, Page):
        pages.append(value)
        return reader.link(value)
    if isinstance(value, dict):
        return {k: _resolve(v, reader, pages) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(v, reader, pages) for v in value]
    return value


def _names(people: Sequence[Recipient]) -> str | None:
    named = [f"{p.name} ({p.email})" if p.email else p.name for p in people]
    return " oder ".join(named) or None
