"""The cancellation letter: everyone who may have the invitation's calendar entry learns
that the session is off, and the entry is removed.

Written in the cancel use case's own transaction (``committees.meetings.cancel_meeting``)
through the outbox, so a cancellation never stands without its letters and a mail server
that is down delays them only. A member ratsflow cannot e-mail gets it as the invitation
went: at the fallback address or through the Sitzungsdienst, naming them.

Whom it goes to is read from the outbox, not from today's committee: a member who was
invited and has left the committee since still has the session in her calendar. Leaving
itself writes nothing (see docs/sitzung.md): the entry stays until the session is held or
cancelled. An invitation still waiting in the outbox is taken back in the same transaction:
it never goes out, and whoever had no earlier version gets no cancellation either. One that
went out or may have (sent, being sent, an attempt whose outcome is unknown) counts as
received: a cancellation too many is harmless, a missing one leaves the session in a
calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.invitations.letters import (
    calendar_entry,
    cancellation_key,
    invitation_keys,
    letter_keys,
)
from service.outbox.service import withdraw_unsent, written_before
from service.runtime import Runtime
from service.scheduler import recipients
from service.scheduler.notify import notify
from service.scheduler.readers import Page, Reader
from service.scheduler.recipients import Contacts, Recipient
from service.scheduler.service import everyone_ever_in
from workflow.calendar import to_local


@dataclass(frozen=True)
class CancellationNotice:
    told: int  # invited members e-mailed the cancellation
    # Invited members ratsflow has no e-mail address for, by name (their letter went to
    # ``passed_to``) and by id, for the audit event.
    without_email: tuple[str, ...] = ()
    without_email_ids: tuple[int, ...] = ()
    passed_to: tuple[str, ...] = ()
    # Members whose only invitation still waited in the outbox: taken back, no cancellation.
    withdrawn_ids: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        """What the Sitzungsdienst reads after cancelling, on the meeting's page and in the
        API's answer alike."""
        told = (
            "1 eingeladenes Mitglied" if self.told == 1 else f"{self.told} eingeladene Mitglieder"
        )
        said = [
            "Die Absage mit dem Kalendereintrag, der den Termin entfernt, ging per E-Mail an "
            f"{told}."
        ]
        if self.without_email:
            said.append(
                "Ohne E-Mail-Adresse, bitte auf anderem Weg benachrichtigen (z. B. per Post "
                f"oder Telefon): {', '.join(self.without_email)}."
            )
            said.append(
                f"Ihre Absage ging zur Weitergabe an: {', '.join(self.passed_to)}."
                if self.passed_to
                else "Ihre Absage ging an niemanden: kein Sitzungsdienst hat eine E-Mail-Adresse."
            )
        return " ".join(said)

    def audit_context(self) -> dict[str, Any]:
        return {
            "told": self.told,
            "without_email": list(self.without_email_ids),
            "withdrawn": list(self.withdrawn_ids),
        }


def _everyone(
    runtime: Runtime, connection: Connection, meeting: Any
) -> tuple[list[Recipient], Contacts]:
    """Whoever ever belonged to the meeting's committee (each version of the invitation went
    to the members of the day it named, and memberships end and sessions move since), and
    the Sitzungsdienst who passes on the letters of those without an address."""
    people = recipients.describe(connection, everyone_ever_in(connection, meeting.committee_id))
    return people, recipients.Contacts(runtime, connection, "meeting")


def _notice(
    runtime: Runtime, told: list[Recipient], office: Contacts, withdrawn: tuple[int, ...] = ()
) -> CancellationNotice:
    unreached = [m for m in told if not m.email]
    fallback = runtime.settings.mail.mail_fallback_recipient
    stand_ins = (fallback,) if fallback else tuple(o.name for o in office.people if o.email)
    return CancellationNotice(
        told=len(told) - len(unreached),
        without_email=tuple(m.name for m in unreached),
        without_email_ids=tuple(m.person_id for m in unreached),
        passed_to=stand_ins if unreached else (),
        withdrawn_ids=withdrawn,
    )


def tell_invited(
    runtime: Runtime,
    connection: Connection,
    meeting: Any,
    *,
    sequence: int,
    reason: str | None,
    now: datetime,
) -> CancellationNotice:
    """Takes back the invitations not sent yet and writes the cancellation for everyone who
    may have had a version of it; ``sequence``: the meeting's as cancelled, above every
    invitation's."""
    people, office = _everyone(runtime, connection, meeting)
    keys = invitation_keys(meeting.id, sequence - 1, people, office.people)
    withdrawal = withdraw_unsent(connection, list(keys))
    had = {keys[key][0] for key in withdrawal.may_have_arrived}
    told = [p for p in people if p.person_id in had]
    withdrawn = tuple(sorted({keys[key][0] for key in withdrawal.withdrawn} - had))
    day = to_local(meeting.starts_at).date()
    context = {
        "gremium": meeting.committee_name,
        "beginn": meeting.starts_at,
        "ort": meeting.location or "wird mitgeteilt",
        "grund": reason,
        "link": Page("meeting", meeting.id),
    }
    for member in told:
        meeting_page = Reader(runtime, connection, member.person_id).link(
            Page("meeting", meeting.id)
        )
        notify(
            runtime,
            connection,
            [member],
            key=cancellation_key(meeting.id, sequence),
            kind="absage",
            subject=f"Sitzung abgesagt: {meeting.committee_name} am {day:%d.%m.%Y}",
            context=context,
            now=now,
            entity=("meeting", meeting.id),
            ics=calendar_entry(
                meeting,
                runtime,
                member.email or "",
                meeting_page,
                sequence=sequence,
                cancelled=True,
                description=f"Grund: {reason}" if reason else "",
            ),
            contacts=office,
        )
    return _notice(runtime, told, office, withdrawn)


def told_of(runtime: Runtime, connection: Connection, meeting: Any) -> CancellationNotice:
    """Whom a cancelled meeting's cancellation went to, for the Sitzungsdienst's page."""
    people, office = _everyone(runtime, connection, meeting)
    keys = letter_keys(cancellation_key(meeting.id, meeting.sequence), people, office.people)
    told = {keys[key] for key in written_before(connection, list(keys))}
    return _notice(runtime, [p for p in people if p.person_id in told], office)
