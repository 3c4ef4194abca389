"""Calendar feeds: who gets which feed, and what it lists.

Two kinds of feed. A committee's sessions: open to everyone for a council body, for an
internal working group only with the feed token of someone who may see its sessions. A
person's own feed behind a secret URL: the sessions of the committees they belong to, the
open deadlines of the measures they are responsible for, and the statements their role
still owes. The URL carries a random token of which only the SHA-256 is stored (like API
tokens); issuing a new one revokes the old, and a revoked or unknown token answers 404
exactly like a wrong address.

A feed lists only what its owner may see right now (roles are read at every fetch, so a
removed role or a deactivated login empties or closes the feed), and a fetch that shows
non-public content is logged like any other read of it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.service import log_read
from service.auth.deputies import acts_for
from service.auth.tokens import token_digest
from service.calendar import ical, repository
from service.committees import meetings as committee_meetings
from service.errors import NotFound
from service.measures.service import STATEMENT_LABELS, statement_states
from service.people import service as people
from service.records import insert_audited, update_audited
from service.runtime import Runtime
from service.scheduler.links import body_url, item_link
from workflow.calendar import to_local

# Past sessions stay in a feed for half a year: long enough to look one up, short enough
# to keep the file small for clients that fetch it every hour.
PAST = timedelta(days=183)
# Every login may have one: a council member's own sessions are what it is made for.
OWN_FEED = "calendar.own_feed"
FEED_PATH = "/api/v1/calendar/feeds/{token}.ics"
COMMITTEE_PATH = "/api/v1/calendar/committees/{id}.ics"


# --- the feed token ------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedFeed:
    url: str
    created_at: datetime


def feed_url(runtime: Runtime, token: str) -> str:
    return body_url(runtime) + FEED_PATH.format(token=token)


def issue_feed(runtime: Runtime, connection: Connection, actor: Actor) -> IssuedFeed:
    """A new secret feed address for the caller's own login; the old one stops working.

    The address is shown once: only its digest is kept."""
    access.require(actor, OWN_FEED)
    assert actor.user_id is not None  # its roles are held by logins only
    revoke_feed(runtime, connection, actor)
    token = secrets.token_urlsafe(32)
    now = runtime.now()
    values = {
        "body_id": runtime.body_id_in(connection),
        "user_id": actor.user_id,
        "token_hash": token_digest(token),
        "created_at": now,
    }
    insert_audited(
        connection,
        runtime.chain_key,
        repository.feeds,
        values,
        actor=actor,
        now=now,
        entity_type="calendar_feed",
        audited_values={k: v for k, v in values.items() if k != "token_hash"},
    )
    return IssuedFeed(feed_url(runtime, token), now)


def revoke_feed(runtime: Runtime, connection: Connection, actor: Actor) -> bool:
    """Ends the caller's feed address (if any): it answers 404 from now on."""
    access.require(actor, OWN_FEED)
    assert actor.user_id is not None
    now = runtime.now()
    live = repository.live_feed(connection, actor.user_id)
    if live is None:
        return False
    update_audited(
        connection,
        runtime.chain_key,
        repository.feeds,
        live.id,
        {"revoked_at": now},
        actor=actor,
        now=now,
        entity_type="calendar_feed",
        before=live,
        action="calendar_feed.revoke",
    )
    return True


def feed_since(connection: Connection, actor: Actor) -> datetime | None:
    """When the caller's live feed address was made, or None when there is none."""
    if actor.user_id is None:
        return None
    live = repository.live_feed(connection, actor.user_id)
    return None if live is None else live.created_at


def _feed_actor(runtime: Runtime, connection: Connection, token: str) -> Actor:
    """The login a feed token stands for, in this body; anything else is a missing feed."""
    row = repository.feed_login(connection, token_digest(token))
    if row is None or row.body_id != runtime.body_id_in(connection):
        raise NotFound("Kalender", "unter dieser Adresse")
    return Actor(
        row.id,
        row.person_id,
        frozenset(row.roles),
        row.username,
        acts_for=acts_for(connection, row.id, runtime.now()),
        body_id=row.body_id,
    )


# --- what a feed lists ---------------------------------------------------------------------


@dataclass
class _Listing:
    sessions: list[ical.Session]
    days: list[ical.DayEntry]
    hidden: bool = False  # shows something the public may not see (the fetch is logged)
    persons: tuple[int, ...] = ()


def _sessions(
    runtime: Runtime, connection: Connection, actor: Actor | None, committee_ids: list[int]
) -> _Listing:
    listing = _Listing([], [])
    if not committee_ids:
        return listing
    now = runtime.now()
    duration = timedelta(minutes=runtime.settings.schedule.invitation_duration_minutes)
    base = body_url(runtime)
    rows = repository.meetings_of(
        connection, runtime.body_id_in(connection), committee_ids, now - PAST
    )
    for row in rows:
        if not access.may_see_meeting(actor, row.committee_kind):
            continue
        internal = not access.committee_is_public(row.committee_kind)
        items = committee_meetings.agenda(
            connection, row.id, public_only=not access.holds(actor, "meeting.read_internal")
        )
        listing.hidden |= internal or any(not item.public for item in items)
        lines = [f"{item.number} {item.title}" for item in items]
        if row.cancelled_at is not None:
            reason = f": {row.cancel_reason}" if row.cancel_reason else ""
            lines.insert(0, f"Die Sitzung ist abgesagt{reason}.")
        listing.sessions.append(
            ical.Session(
                uid=ical.uid("meeting", row.id, runtime.chain_key),
                summary=f"{'Abgesagt: ' if row.cancelled_at else ''}Sitzung {row.committee_name}",
                starts_at=row.starts_at,
                duration=duration,
                location=row.location,
                description="\n".join(lines),
                sequence=row.sequence,
                cancelled=row.cancelled_at is not None,
                url=_meeting_link(base, actor, row.id),
            )
        )
    return listing


def _meeting_link(base: str, actor: Actor | None, meeting_id: int) -> str | None:
    """The session's page for who may open it. It is the Sitzungsdienst's page (staff
    only) and there is no public one: anyone else gets no link rather than one that ends at
    the login."""
    if not access.holds(actor, "meeting.read_internal"):
        return None
    return item_link(base, "meeting", meeting_id)


def _measure_link(base: str, actor: Actor, measure_id: int) -> str:
    """The measure's page the reader may open: staff's, or else the public one (a feed
    lists a non-public measure only to staff)."""
    kind = "measure" if access.may_read_internal(actor) else "public_measure"
    return item_link(base, kind, measure_id)


def committee_feed(runtime: Runtime, committee_id: int, token: str | None) -> bytes:
    """The sessions of one committee: public for a council body, else only with a feed token
    of someone who may see them (anyone else is told it does not exist)."""
    with runtime.read() as connection:
        actor = None if token is None else _feed_actor(runtime, connection, token)
        committee = repository.committee(connection, runtime.body_id_in(connection), committee_id)
        if committee is None or not access.may_see_meeting(actor, committee.kind):
            raise NotFound("Gremium", committee_id)
        listing = _sessions(runtime, connection, actor, [committee.id])
    if listing.hidden:
        log_read(runtime, actor, "committee", committee_id)
    return ical.calendar(f"Sitzungen {committee.name}", listing.sessions, [], runtime.now())


def person_feed(runtime: Runtime, token: str) -> bytes:
    """The feed behind a person's secret address."""
    with runtime.read() as connection:
        actor = _feed_actor(runtime, connection, token)
        body_id = runtime.body_id_in(connection)
        listing = _Listing([], [])
        if actor.person_id is not None:
            today = to_local(runtime.now()).date()
            committees = repository.member_committees(connection, body_id, actor.person_id, today)
            listing = _sessions(runtime, connection, actor, committees)
            _deadlines(runtime, connection, actor, listing)
        _statement_requests(runtime, connection, actor, listing)
        # A calendar list shows this name: the person's, as on every page, not the login.
        name = people.own_name(connection, actor)
    if listing.hidden:
        log_read(runtime, actor, "calendar_feed", actor.user_id, persons=listing.persons)
    return ical.calendar(f"ratsflow: {name}", listing.sessions, listing.days, runtime.now())


def _deadlines(runtime: Runtime, connection: Connection, actor: Actor, listing: _Listing) -> None:
    assert actor.person_id is not None
    base = body_url(runtime)
    rows = repository.open_deadlines_of(connection, runtime.body_id_in(connection), actor.person_id)
    for row in rows:
        if not access.may_see(actor, row):
            continue
        _note_hidden(listing, row)
        listing.days.append(
            ical.DayEntry(
                uid=ical.uid("deadline", row.id, runtime.chain_key),
                summary=f"Frist: {row.label} ({row.code})",
                day=to_local(row.due_at).date(),
                description=f"Maßnahme {row.code} {row.title}\n"
                f"{_measure_link(base, actor, row.measure_id)}",
            )
        )


def _statement_requests(
    runtime: Runtime, connection: Connection, actor: Actor, listing: _Listing
) -> None:
    """A statement the caller's role owes: due when the measure's open deadline is."""
    spec = runtime.registry.latest("massnahme").spec
    states = tuple(sorted(statement_states(spec)))
    base = body_url(runtime)
    for flag, kind in repository.STATEMENT_FOR_FLAG.items():
        if kind not in actor.roles:
            continue
        rows = repository.statement_requests(
            connection, runtime.body_id_in(connection), flag, kind, states
        )
        seen: set[int] = set()
        for row in rows:
            if row.id in seen or not access.may_see(actor, row):
                continue  # the earliest open deadline of a measure is its due day
            seen.add(row.id)
            _note_hidden(listing, row)
            listing.days.append(
                ical.DayEntry(
                    uid=ical.uid(f"statement-{kind}", row.id, runtime.chain_key),
                    summary=f"Stellungnahme {STATEMENT_LABELS[kind]}: {row.code}",
                    day=to_local(row.due_at).date(),
                    description=f"Maßnahme {row.code} {row.title}\n"
                    f"{_measure_link(base, actor, row.id)}",
                )
            )


def _note_hidden(listing: _Listing, row: Any) -> None:
    if not row.public:
        listing.hidden = True
        listing.persons = (*listing.persons, row.responsible_person_id)
