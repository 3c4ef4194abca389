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
from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Connection

from service import access
from service.actor import SYSTEM, Actor
from service.audit.repository import lock_chain
from service.audit.service import record
from service.bodies.service import profile
from service.committees import meetings
from service.errors import Conflict
from service.invitations.letters import (
    agenda_lines,
    calendar_entry,
    invitation_key,
    last_versions,
    versioned,
)
from service.runtime import Runtime
from service.scheduler import recipients
from service.scheduler.notify import notify
from service.scheduler.readers import Page, Reader
from service.scheduler.service import committee_members
from workflow.calendar import DEFAULT_LAND, Duration, due_at, local_day_at, to_local

# What a member receives of this version, by what they had before: nothing (the
# invitation), a version before the meeting moved (the changed invitation), or a version
# whose agenda lacks items added since (the Nachtrag).
FIRST, CHANGED, SUPPLEMENT = "einladung", "geaendert", "nachtrag"
SUBJECTS = {
    FIRST: "Einladung",
    CHANGED: "Geänderte Einladung",
    SUPPLEMENT: "Nachtrag zur Einladung",
}


@dataclass(frozen=True)
class InvitationResult:
    invited: int  # members e-mailed this version of the invitation now
    changed: int  # of them, those who had a version before a move: theirs says what changed
    already: int  # members who had this version before
    late: bool
    send_by: datetime  # the Ladungsfrist's end: midnight after ``last_day``
    last_day: date  # the last day to send, as the members and the Sitzungsdienst read it
    late_papers: tuple[str, ...]
    # Members ratsflow has no e-mail address for, by name: the Sitzungsdienst invites them
    # another way; their invitation went to ``passed_to`` (fallback address or contacts).
    without_email: tuple[str, ...] = ()
    passed_to: tuple[str, ...] = ()
    # Of ``invited``, those who had the invitation before items were added: theirs is the
    # Nachtrag naming ``added`` (number and title of each added item).
    supplemented: int = 0
    added: tuple[str, ...] = ()

    @property
    def first(self) -> int:
        """Members invited for the first time now."""
        return self.invited - self.changed - self.supplemented


def last_day_to_send(meeting_start: datetime, days: int, land: str = DEFAULT_LAND) -> date:
    """The last day the invitation may go out: ``days`` before the meeting's day, moved back
    to a working day (of the body's Land)."""
    day = local_day_at(to_local(meeting_start).date(), time(0, 0))
    return to_local(due_at(day, Duration(days=-days), roll="backward", land=land)).date()


def send_by(meeting_start: datetime, days: int, land: str = DEFAULT_LAND) -> datetime:
    """The last moment to send: the end of ``last_day_to_send``."""
    last_day = last_day_to_send(meeting_start, days, land)
    return local_day_at(last_day + timedelta(days=1), time(0, 0))


def send_invitation(
    runtime: Runtime, connection: Connection, actor: Actor, meeting_id: int
) -> InvitationResult:
    """Invites every member of the meeting's day; the Sitzungsdienst's job (or the console's).

    Sent again after the meeting moved, it sends the changed invitation (the calendar entry
    with the new SEQUENCE) to everyone; after items were added to the agenda (which raises
    the SEQUENCE once the invitation went out), the Nachtrag naming them, with the whole
    agenda and the updated calendar entry; sent again unchanged, it reaches only members
    who have not had this version yet (new in the committee, say), with the invitation.
    """
    if actor != SYSTEM:
        access.require(actor, "meeting.manage")
    # The chain lock before the first change: see service.records.
    lock_chain(connection, runtime.chain_key)
    now = runtime.now()
    body_id = runtime.body_id_in(connection)
    meeting = meetings.get_meeting(connection, body_id, meeting_id)
    if meeting.cancelled_at is not None:
        raise Conflict(
            "sitzung-abgesagt",
            "Sitzung abgesagt",
            f"Die Sitzung wurde am {to_local(meeting.cancelled_at):%d.%m.%Y} abgesagt; "
            "eine Einladung geht nicht mehr hinaus.",
        )
    items = meetings.agenda(connection, meeting_id, public_only=False)
    day = to_local(meeting.starts_at).date()
    days = runtime.settings.schedule.ladungsfrist_days
    land = profile(connection, runtime.chain_key).land
    last_day = last_day_to_send(meeting.starts_at, days, land)
    limit = send_by(meeting.starts_at, days, land)
    late = now >= limit
    key = invitation_key(meeting_id, meeting.sequence)
    members = recipients.describe(
        connection,
        committee_members(connection, meeting.committee_id, day),
    )
    office = recipients.Contacts(runtime, connection, "meeting")
    earlier = last_versions(connection, meeting_id, meeting.sequence, members, office.people)
    points = [
        {
            "nummer": i.number,
            "titel": i.title,
            "vorlage": i.paper_reference,
            "link": Page("paper", i.paper_id, bool(i.paper_public))
            if i.paper_id is not None
            else None,
        }
        for i in items
    ]
    context = {
        "gremium": meeting.committee_name,
        "beginn": meeting.starts_at,
        "ort": meeting.location or "wird mitgeteilt",
        "punkte": points,
        "link": Page("meeting", meeting_id),
    }
    invited = changed = supplemented = already = written = 0
    added: dict[int, str] = {}
    for member in members:
        had = earlier.get(member.person_id)
        if had == meeting.sequence:
            already += 1 if member.email else 0
            continue
        new_ids = {i.id for i in items if had is not None and i.added_in_sequence > had}
        if had is None:
            kind = FIRST
        elif meeting.moved_in_sequence > had or not new_ids:
            kind = CHANGED
        else:
            kind = SUPPLEMENT
        meeting_page = Reader(runtime, connection, member.person_id).link(
            Page("meeting", meeting_id)
        )
        new = notify(
            runtime,
            connection,
            [member],
            key=key,
            kind="einladung",
            subject=f"{SUBJECTS[kind]}: {meeting.committee_name} am {day:%d.%m.%Y}",
            context={
                **context,
                "art": kind,
                "neu": [p for p, i in zip(points, items, strict=True) if i.id in new_ids],
            },
            now=now,
            entity=("meeting", meeting_id),
            ics=calendar_entry(
                meeting,
                runtime,
                member.email or "",
                meeting_page,
                sequence=meeting.sequence,
                description=agenda_lines(items),
            ),
            contacts=office,
        )
        written += new
        if member.email and new:
            invited += 1
            changed += 1 if kind == CHANGED else 0
            if kind == SUPPLEMENT:
                supplemented += 1
                added.update({i.id: f"{i.number} {i.title}" for i in items if i.id in new_ids})
    late_papers = tuple(i.paper_reference for i in items if i.paper_reference)
    if late and written:
        notify(
            runtime,
            connection,
            office.people,
            key=versioned(f"meeting:{meeting_id}/ladungsfrist-verletzt", meeting.sequence),
            kind="ladungsfrist_verletzt",
            subject=f"Ladungsfrist verletzt: {meeting.committee_name} am {day:%d.%m.%Y}",
            context={
                "gremium": meeting.committee_name,
                "beginn": meeting.starts_at,
                "versandt": now,
                "tage": days,
                "frist": last_day,
                "vorlagen": list(late_papers),
                "link": Page("meeting", meeting_id),
            },
            now=now,
            entity=("meeting", meeting_id),
        )
    unreached = [m for m in members if not m.email]
    if written:
        meetings.mark_invited(connection, meeting_id, now)
        before = meeting.invitation_sent_at
        record(
            connection,
            runtime.chain_key,
            actor=actor,
            now=now,
            action="meeting.invite",
            entity_type="meeting",
            entity_id=meeting_id,
            changes={
                "invitation_sent_at": (before.isoformat() if before else None, now.isoformat())
            },
            context={
                "late": late,
                "send_by": limit.isoformat(),
                "invited": invited,
                "changed": changed,
                "supplemented": supplemented,
                "sequence": meeting.sequence,
                "without_email": [m.person_id for m in unreached],
            },
        )
    fallback = runtime.settings.mail.mail_fallback_recipient
    stand_ins = (fallback,) if fallback else tuple(o.name for o in office.people if o.email)
    return InvitationResult(
        invited,
        changed,
        already,
        late,
        limit,
        last_day,
        late_papers if late else (),
        without_email=tuple(m.name for m in unreached),
        passed_to=stand_ins if unreached else (),
        supplemented=supplemented,
        added=tuple(added[k] for k in sorted(added)),
    )
