"""Meeting invitations: one e-mail per member with an iCalendar entry, and the Ladungsfrist.

The papers of a meeting must reach the members a configured number of days before it
(default 7; a day off moves the limit back, as for the Ladungsfrist deadline). An invitation
sent later still goes out, but the Sitzungsdienst is told which papers came late, so it can
decide whether the meeting may go ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.utils import parseaddr
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy.engine import Connection

from service import access
from service.actor import SYSTEM, Actor
from service.audit.repository import lock_chain
from service.audit.service import record
from service.bodies.service import profile
from service.committees import meetings
from service.runtime import Runtime
from service.scheduler import recipients
from service.scheduler.links import body_url, item_link
from service.scheduler.notify import notify
from service.scheduler.service import committee_members
from workflow.calendar import DEFAULT_LAND, Duration, due_at, local_day_at, to_local


@dataclass(frozen=True)
class InvitationResult:
    invited: int
    late: bool
    send_by: datetime
    late_papers: tuple[str, ...]


def send_by(meeting_start: datetime, days: int, land: str = DEFAULT_LAND) -> datetime:
    """The last moment to send: the end of the day ``days`` before the meeting, moved back
    to a working day (of the body's Land)."""
    day = local_day_at(to_local(meeting_start).date(), time(0, 0))
    last_day = to_local(due_at(day, Duration(days=-days), roll="backward", land=land)).date()
    return local_day_at(last_day + timedelta(days=1), time(0, 0))


def calendar_entry(meeting: Any, runtime: Runtime, attendee: str) -> str:
    settings = runtime.settings
    domain = parseaddr(settings.mail.mail_sender)[1].rpartition("@")[2] or "ratsflow.invalid"
    cal = Calendar()
    cal.add("prodid", "-//ratsflow//Sitzungseinladung//DE")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"sitzung-{meeting.id}@{domain}")
    event.add("dtstamp", runtime.now())
    event.add("dtstart", meeting.starts_at)
    event.add(
        "dtend",
        meeting.starts_at + timedelta(minutes=settings.schedule.invitation_duration_minutes),
    )
    event.add("summary", f"Sitzung {meeting.committee_name}")
    event.add("location", vText(meeting.location or "wird mitgeteilt"))
    event.add("url", item_link(body_url(runtime), "meeting", meeting.id))
    organizer = vCalAddress(f"mailto:{parseaddr(settings.mail.mail_sender)[1]}")
    organizer.params["cn"] = vText("Sitzungsdienst")
    event["organizer"] = organizer
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params["role"] = vText("REQ-PARTICIPANT")
    guest.params["rsvp"] = vText("TRUE")
    event.add("attendee", guest, encode=False)
    cal.add_component(event)
    return str(cal.to_ical().decode())


def send_invitation(
    runtime: Runtime, connection: Connection, actor: Actor, meeting_id: int
) -> InvitationResult:
    """Invites every member of the meeting's day; the Sitzungsdienst's job (or the console's)."""
    if actor != SYSTEM:
        access.require(actor, "meeting.manage")
    # The chain lock before the first change: see service.records.
    lock_chain(connection, runtime.chain_key)
    now = runtime.now()
    body_id = runtime.body_id_in(connection)
    meeting = meetings.get_meeting(connection, body_id, meeting_id)
    items = meetings.agenda(connection, meeting_id, public_only=False)
    day = to_local(meeting.starts_at).date()
    days = runtime.settings.schedule.ladungsfrist_days
    limit = send_by(meeting.starts_at, days, profile(connection, runtime.chain_key).land)
    late = now >= limit
    link = item_link(body_url(runtime), "meeting", meeting_id)
    context = {
        "gremium": meeting.committee_name,
        "beginn": meeting.starts_at,
        "ort": meeting.location or "wird mitgeteilt",
        "punkte": [
            {"nummer": i.number, "titel": i.title, "vorlage": i.paper_reference} for i in items
        ],
        "link": link,
    }
    members = recipients.describe(
        connection,
        committee_members(connection, meeting.committee_id, day),
    )
    invited = 0
    for member in members:
        invited += notify(
            runtime,
            connection,
            [member],
            key=f"meeting:{meeting_id}/einladung",
            kind="einladung",
            subject=f"Einladung: {meeting.committee_name} am {day:%d.%m.%Y}",
            context=context,
            now=now,
            entity=("meeting", meeting_id),
            ics=calendar_entry(meeting, runtime, member.email or ""),
        )
    late_papers = tuple(i.paper_reference for i in items if i.paper_reference)
    if late:
        office = recipients.describe(
            connection,
            recipients.role_holders(
                connection, runtime.settings.schedule.paper_reminder_role, runtime.body_id
            ),
        )
        notify(
            runtime,
            connection,
            office,
            key=f"meeting:{meeting_id}/ladungsfrist-verletzt",
            kind="ladungsfrist_verletzt",
            subject=f"Ladungsfrist verletzt: {meeting.committee_name} am "
            f"{to_local(meeting.starts_at):%d.%m.%Y}",
            context={
                "gremium": meeting.committee_name,
                "beginn": meeting.starts_at,
                "versandt": now,
                "tage": days,
                "frist": limit - timedelta(days=1),
                "vorlagen": list(late_papers),
                "link": link,
            },
            now=now,
            entity=("meeting", meeting_id),
        )
    meetings.mark_invited(connection, meeting_id, now)
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=now,
        action="meeting.invite",
        entity_type="meeting",
        entity_id=meeting_id,
        changes={"invitation_sent_at": (meeting.invitation_sent_at, now.isoformat())},
        context={"late": late, "send_by": limit.isoformat(), "invited": invited},
    )
    return InvitationResult(invited, late, limit, late_papers if late else ())
