"""What every letter about a meeting shares: its outbox keys, its calendar entry, and who
has had which version of the invitation.

The calendar entry names the session by the UID of the calendar feeds and carries the
meeting's SEQUENCE, so a calendar replaces its copy with each newer version: the changed
invitation, the Nachtrag, and at last the cancellation (METHOD:CANCEL, STATUS:CANCELLED),
which removes the entry. Kept apart from ``service`` so the meetings room can write the
cancellation in its own use case without importing the invitation's.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy.engine import Connection

from service.calendar import ical
from service.outbox.service import written_before
from service.runtime import Runtime
from service.scheduler.notify import mail_key
from service.scheduler.recipients import Recipient


def versioned(key: str, sequence: int) -> str:
    """The outbox key of a meeting's message for one version of the meeting. Moving it,
    changing its place, adding to its agenda after the invitation or cancelling it raises
    its sequence, so each is a new message; the first version keeps the key of the messages
    written before versions were counted."""
    return key if sequence == 0 else f"{key}/fassung:{sequence}"


def invitation_key(meeting_id: int, sequence: int) -> str:
    return versioned(f"meeting:{meeting_id}/einladung", sequence)


def cancellation_key(meeting_id: int, sequence: int) -> str:
    return versioned(f"meeting:{meeting_id}/absage", sequence)


def agenda_lines(items: list[Any]) -> str:
    return "\n".join(f"{i.number} {i.title}" for i in items)


def calendar_entry(
    meeting: Any,
    runtime: Runtime,
    attendee: str,
    link: str | None,
    *,
    sequence: int,
    cancelled: bool = False,
    description: str = "",
) -> str:
    """The session as the calendar feeds show it (same UID), as a request to add or update
    it or, ``cancelled``, to remove it."""
    settings = runtime.settings
    cal = Calendar()
    cal.add("prodid", "-//ratsflow//Sitzungseinladung//DE")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", ical.uid("meeting", meeting.id, runtime.chain_key))
    event.add("sequence", sequence)
    event.add("dtstamp", runtime.now())
    event.add("dtstart", meeting.starts_at)
    event.add(
        "dtend",
        meeting.starts_at + timedelta(minutes=settings.schedule.invitation_duration_minutes),
    )
    event.add("summary", f"{'Abgesagt: ' if cancelled else ''}Sitzung {meeting.committee_name}")
    event.add("location", vText(meeting.location or "wird mitgeteilt"))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if description:
        event.add("description", description)
    if link is not None:
        event.add("url", link)
    organizer = vCalAddress(f"mailto:{parseaddr(settings.mail.mail_sender)[1]}")
    organizer.params["cn"] = vText("Sitzungsdienst")
    event["organizer"] = organizer
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params["role"] = vText("REQ-PARTICIPANT")
    if not cancelled:
        guest.params["rsvp"] = vText("TRUE")
    event.add("attendee", guest, encode=False)
    cal.add_component(event)
    return str(cal.to_ical().decode())


def letter_keys(key: str, members: list[Recipient], office: list[Recipient]) -> dict[str, int]:
    """The outbox key of the letter ``key`` each member could have had (written to them, to
    the fallback address or to the Sitzungsdienst in their stead), with the member."""
    return {
        mail_key(key, m.person_id, via): m.person_id
        for m in members
        for via in (None, *(o.person_id for o in office))
    }


def invitation_keys(
    meeting_id: int, sequence: int, members: list[Recipient], office: list[Recipient]
) -> dict[str, tuple[int, int]]:
    """The outbox key of every version of the invitation up to ``sequence`` each member
    could have had, with the member and the version it names."""
    return {
        key: (person_id, version)
        for version in range(sequence + 1)
        for key, person_id in letter_keys(
            invitation_key(meeting_id, version), members, office
        ).items()
    }


def last_versions(
    connection: Connection,
    meeting_id: int,
    sequence: int,
    members: list[Recipient],
    office: list[Recipient],
) -> dict[int, int]:
    """Each member's latest version of the invitation up to ``sequence``; members who had
    none are missing."""
    keys = invitation_keys(meeting_id, sequence, members, office)
    latest: dict[int, int] = {}
    for key in written_before(connection, list(keys)):
        person_id, version = keys[key]
        latest[person_id] = max(version, latest.get(person_id, -1))
    return latest
