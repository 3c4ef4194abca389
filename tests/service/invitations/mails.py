"""What the invitation tests share: the FVA meeting they invite to, the mails a dispatch
delivers, and the calendar entry a mail carries."""

from __future__ import annotations

from datetime import datetime
from email.message import Message

from icalendar import Calendar

from service.actor import SYSTEM
from service.committees import meetings
from service.outbox.dispatcher import dispatch
from service.runtime import Runtime
from tests.service.council_members.support import paper_in
from tests.service.council_support import actor, committee_id
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import local


def fva_meeting(rt: Runtime, starts_at: datetime | None = None) -> int:
    """A FVA meeting in the Ratssaal (08.10.2026, 17:00, unless given) with one public paper
    on its agenda."""
    paper_id = paper_in(rt, "fva", public=True)
    with rt.write() as c:
        meeting_id = meetings.insert_meeting(
            rt,
            c,
            SYSTEM,
            committee_id=committee_id(rt, "fva"),
            starts_at=starts_at or local(2026, 10, 8, 17, 0),
            location="Ratssaal",
        )
        meetings.add_agenda_item(
            rt,
            c,
            actor(rt, "sitzungsdienst"),
            meeting_id,
            number="Ö 1",
            title=None,
            public=True,
            paper_id=paper_id,
        )
    return meeting_id


def delivered(rt: Runtime, inbox: Inbox, subject: str) -> list[Message]:
    """What the outbox delivers now, of the mails whose subject starts with ``subject``."""
    dispatch(rt)
    return [m for m in inbox.messages if str(m["Subject"]).startswith(subject)]


def calendar_of(message: Message) -> tuple[Calendar, str]:
    """The mail's calendar and the method its MIME part names."""
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(str(part.get_content())), str(part.get_param("method"))  # type: ignore[attr-defined]


def event_of(message: Message):  # type: ignore[no-untyped-def]
    [event] = list(calendar_of(message)[0].walk("VEVENT"))
    return event
