"""The cancellation letter: every member who had an invitation learns that the session is
off, and the calendar entry it brought is removed.

Written in the cancel use case's own transaction (``committees.meetings.cancel_meeting``)
through the outbox, so a cancellation never stands without its letters and a mail server
that is down delays them only. A member ratsflow cannot e-mail gets it as the invitation
went: at the fallback address or through the Sitzungsdienst, naming them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.invitations.letters import calendar_entry, cancellation_key, last_versions
from service.runtime import Runtime
from service.scheduler import recipients
from service.scheduler.notify import notify
from service.scheduler.readers import Page, Reader
from service.scheduler.recipients import Contacts, Recipient
from service.scheduler.service import committee_members
from workflow.calendar import to_local


@dataclass(frozen=True)
class CancellationNotice:
    told: int  # invited members e-mailed the cancellation
    # Invited members ratsflow has no e-mail address for, by name (their letter went to
    # ``passed_to``) and by id, for the audit event.
    without_email: tuple[str, ...] = ()
    without_email_ids: tuple[int, ...] = ()
    passed_to: tuple[str, ...] = ()

    def audit_context(self) -> dict[str, Any]:
        return {"told": self.told, "without_email": list(self.without_email_ids)}


def _invited(
    runtime: Runtime, connection: Connection, meeting: Any, sequence: int
) -> tuple[list[Recipient], Contacts]:
    """The members who had a version of the invitation before ``sequence``, and the
    Sitzungsdienst who passes on the letters of those without an address."""
    day = to_local(meeting.starts_at).date()
    members = recipients.describe(
        connection, committee_members(connection, meeting.committee_id, day)
    )
    office = recipients.Contacts(runtime, connection, "meeting")
    invited = last_versions(connection, meeting.id, sequence - 1, members, office.people)
    return [m for m in members if m.person_id in invited], office


def _notice(runtime: Runtime, told: list[Recipient], office: Contacts) -> CancellationNotice:
    unreached = [m for m in told if not m.email]
    fallback = runtime.settings.mail.mail_fallback_recipient
    stand_ins = (fallback,) if fallback else tuple(o.name for o in office.people if o.email)
    return CancellationNotice(
        told=len(told) - len(unreached),
        without_email=tuple(m.name for m in unreached),
        without_email_ids=tuple(m.person_id for m in unreached),
        passed_to=stand_ins if unreached else (),
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
    """Writes the cancellation for every member who had any version of the invitation;
    ``sequence``: the meeting's as cancelled, above every invitation's."""
    told, office = _invited(runtime, connection, meeting, sequence)
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
    return _notice(runtime, told, office)


def told_of(runtime: Runtime, connection: Connection, meeting: Any) -> CancellationNotice:
    """Whom a cancelled meeting's cancellation went to, for the Sitzungsdienst's page."""
    return _notice(runtime, *_invited(runtime, connection, meeting, meeting.sequence))
