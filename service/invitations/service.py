"""Meeting invitations: one e-mail per member with an iCalendar entry, and the Ladungsfrist.

The papers of a meeting must reach the members a configured number of days before it
(default 7; a day off moves the limit back, as for the Ladungsfrist deadline). An invitation
sent later still goes out, but the Sitzungsdienst is told which papers came late, so it can
decide whether the meeting may go ahead.

Each member's invitation links only to what that member may open: the meeting page is the
Sitzungsdienst's planning room, open to staff only, so a council member is led to the papers
on the agenda she may read (the internal paper page with her login, the public one without),
and the calendar entry names the session by the UID of the calendar feeds, so a member who
subscribed to the committee calendar too keeps one entry.
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
from service.auth.service import logins_of
from service.bodies.service import profile
from service.calendar import ical
from service.committees import meetings
from service.papers.service import may_see_row
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


def calendar_entry(meeting: Any, runtime: Runtime, attendee: str, link: str | None) -> str:
    """The session as the calendar feeds show it (same UID and SEQUENCE), so a calendar
    that has it from a feed updates that entry instead of adding a second one."""
    settings = runtime.settings
    cal = Calendar()
    cal.add("prodid", "-//ratsflow//Sitzungseinladung//DE")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", ical.uid("meeting", meeting.id, runtime.chain_key))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", runtime.now())
    event.add("dtstart", meeting.starts_at)
    event.add(
        "dtend",
        meeting.starts_at + timedelta(minutes=settings.schedule.invitation_duration_minutes),
    )
    event.add("summary", f"Sitzung {meeting.committee_name}")
    event.add("location", vText(meeting.location or "wird mitgeteilt"))
    if link is not None:
        event.add("url", link)
    organizer = vCalAddress(f"mailto:{parseaddr(settings.mail.mail_sender)[1]}")
    organizer.params["cn"] = vText("Sitzungsdienst")
    event["organizer"] = organizer
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params["role"] = vText("REQ-PARTICIPANT")
    guest.params["rsvp"] = vText("TRUE")
    event.add("attendee", guest, encode=False)
    cal.add_component(event)
    return str(cal.to_ical().decode())


@dataclass(frozen=True)
class _Links:
    meeting: str | None
    papers: dict[int, str]  # agenda item id -> its paper's page


def _links_for(
    runtime: Runtime,
    connection: Connection,
    body_id: int,
    person_id: int,
    meeting: Any,
    items: list[Any],
) -> _Links:
    """The pages of the meeting and its papers that this member may open, as one of their
    logins or, without a login, as the public."""
    base = body_url(runtime)
    readers = logins_of(connection, body_id, person_id)
    meeting_link = (
        item_link(base, "meeting", meeting.id)
        if any(access.holds(r, "meeting.read_internal") for r in readers)
        else None
    )
    papers: dict[int, str] = {}
    for item in items:
        if item.paper_id is None:
            continue
        if any(
            access.holds(r, "paper.list")
            and may_see_row(runtime, connection, r, item.paper_id, item.paper_public)
            for r in readers
        ):
            papers[item.id] = item_link(base, "paper", item.paper_id)
        elif item.paper_public:
            papers[item.id] = item_link(base, "public_paper", item.paper_id)
    return _Links(meeting_link, papers)


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
    members = recipients.describe(
        connection,
        committee_members(connection, meeting.committee_id, day),
    )
    invited = 0
    for member in members:
        links = _links_for(runtime, connection, body_id, member.person_id, meeting, items)
        context = {
            "gremium": meeting.committee_name,
            "beginn": meeting.starts_at,
            "ort": meeting.location or "wird mitgeteilt",
            "punkte": [
                {
                    "nummer": i.number,
                    "titel": i.title,
                    "vorlage": i.paper_reference,
                    "link": links.papers.get(i.id),
                }
                for i in items
            ],
            "link": links.meeting,
        }
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
            ics=calendar_entry(meeting, runtime, member.email or "", links.meeting),
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
