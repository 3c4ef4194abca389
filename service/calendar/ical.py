"""RFC 5545 calendars as ratsflow publishes them (``icalendar``).

Times are written in Europe/Berlin with its VTIMEZONE, so a client shows a session at 17:00
local on either side of a daylight-saving change, in any year the feed lists. Every entry
has a UID that stays the same for the same object of the same body
(``meeting-12@aschersleben.ratsflow``) and a SEQUENCE that grows with each change, so a
subscribed calendar replaces its copy instead of adding a second one; a cancelled session
stays in the feed with STATUS:CANCELLED, so the client strikes it out instead of keeping a
stale copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from workflow.calendar import to_local

MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//ratsflow//Kalender//DE"


def uid(kind: str, key: object, body_slug: str) -> str:
    return f"{kind}-{key}@{body_slug}.ratsflow"


@dataclass(frozen=True)
class Session:
    """A meeting as a calendar shows it."""

    uid: str
    summary: str
    starts_at: datetime
    duration: timedelta
    location: str | None
    description: str
    sequence: int
    cancelled: bool
    url: str | None = None


@dataclass(frozen=True)
class DayEntry:
    """A whole-day entry: a deadline or a statement request on its due day."""

    uid: str
    summary: str
    day: date
    description: str
    sequence: int = 0


def _session(session: Session, stamp: datetime) -> Event:
    event = Event()
    start = to_local(session.starts_at)
    event.add("uid", session.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + session.duration)
    event.add("summary", session.summary)
    if session.location:
        event.add("location", session.location)
    if session.description:
        event.add("description", session.description)
    if session.url:
        event.add("url", session.url)
    event.add("sequence", session.sequence)
    event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    return event


def _day(entry: DayEntry, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.day)
    event.add("dtend", entry.day + timedelta(days=1))
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    event.add("sequence", entry.sequence)
    # A due day is no appointment: it does not block the day in a free/busy view.
    event.add("transp", "TRANSPARENT")
    return event


def calendar(
    name: str, sessions: Iterable[Session], days: Iterable[DayEntry], stamp: datetime
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    years = []
    for session in sessions:
        cal.add_component(_session(session, stamp))
        years.append(to_local(session.starts_at).year)
    for entry in days:
        cal.add_component(_day(entry, stamp))
    if years:  # whole-day entries are dates, with no zone
        _add_timezone(cal, years)
    return bytes(cal.to_ical())


def _add_timezone(cal: Calendar, years: list[int]) -> None:
    """Europe/Berlin's VTIMEZONE for the years the sessions fall in.

    ``icalendar`` writes the zone's transitions between two dates, by default 1970 to 2038:
    a session after 2037 would be read with the last offset before 2038 (winter time in
    July). So the span is the sessions' own, to the end of the year after the last one (a
    session's end may cross New Year). The library's English note on that span goes: a
    feed speaks German, and the span is ours to keep right."""
    cal.add_missing_timezones(
        first_date=date(min(years), 1, 1), last_date=date(max(years) + 2, 1, 1)
    )
    for zone in cal.timezones:
        zone.pop("COMMENT", None)
