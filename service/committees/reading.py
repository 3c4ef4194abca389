"""Reading a meeting: one view for the API and the Sitzungsdienst's page alike.

A meeting of a council body is public, except the items of its non-public part; a meeting
of an internal working group is not public at all. A read of either is logged
(``meeting.read``) before it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.service import log_read
from service.committees import repository
from service.committees.attendance import AttendanceEntry, attendance_list
from service.committees.meetings import agenda, visible_meeting
from service.committees.service import voting_member_ids
from service.people.service import display_name
from service.runtime import Runtime
from workflow.calendar import to_local


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda item as this caller may see it: a non-public paper stays unnamed."""

    id: int
    position: int
    number: str
    title: str
    public: bool
    paper_id: int | None
    paper_reference: str | None
    consultation_id: int | None
    paper_version: int | None
    open_vote: bool  # the paper's step here has no result yet


@dataclass(frozen=True)
class Attendee:
    person_id: int
    name: str
    status: str | None
    member: bool
    voting: bool


@dataclass(frozen=True)
class MeetingView:
    meeting: Any
    day: date
    public: bool
    agenda: list[AgendaEntry]
    attendance: list[Attendee]
    recorded: bool
    voting_members: int


def read_meeting(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    meeting_id: int,
    *,
    with_agenda: bool = True,
    with_attendance: bool = False,
) -> MeetingView:
    """The meeting as this caller may see it: the parts asked for.

    Staff see the non-public part and everyone attending; the public sees council bodies'
    public parts and their council members. A read of a non-public meeting or of a
    non-public part is logged (``meeting.read``, naming the persons shown) before it is
    returned.
    """
    meeting = visible_meeting(connection, actor, meeting_id)
    view = meeting_view(connection, actor, meeting, with_agenda, with_attendance)
    if not view.public or any(not item.public for item in view.agenda):
        log_read(
            runtime, actor, "meeting", meeting_id, persons=[a.person_id for a in view.attendance]
        )
    return view


def meeting_view(
    connection: Connection,
    actor: Actor | None,
    meeting: Any,
    with_agenda: bool = True,
    with_attendance: bool = False,
) -> MeetingView:
    """The view ``read_meeting`` returns, unlogged: for the answer to a write."""
    staff = access.holds(actor, "meeting.read_internal")
    day = to_local(meeting.starts_at).date()
    rows = agenda(connection, meeting.id, public_only=not staff) if with_agenda else []
    items = [_agenda_entry(row, staff) for row in rows if access.may_see_agenda_item(actor, row)]
    entries = attendance_list(connection, meeting) if with_attendance else []
    voting = voting_member_ids(connection, meeting.committee_id, day)
    return MeetingView(
        meeting=meeting,
        day=day,
        public=access.committee_is_public(meeting.committee_kind),
        agenda=items,
        attendance=_attendees(connection, actor, entries, voting),
        recorded=any(e.status is not None for e in entries),
        voting_members=len(voting),
    )


def _agenda_entry(row: Any, staff: bool) -> AgendaEntry:
    named = staff or bool(row.paper_public)
    return AgendaEntry(
        id=row.id,
        position=row.position,
        number=row.number,
        title=row.title,
        public=row.public,
        paper_id=row.paper_id if named else None,
        paper_reference=row.paper_reference if named else None,
        consultation_id=row.consultation_id if named else None,
        paper_version=row.paper_version if named else None,
        open_vote=row.consultation_id is not None and row.consultation_result is None,
    )


def _attendees(
    connection: Connection, actor: Actor | None, entries: list[AttendanceEntry], voting: set[int]
) -> list[Attendee]:
    people = repository.persons_by_id(connection, [e.person_id for e in entries])
    staff = access.holds(actor, "person.read")
    public_people = set() if staff else _in_public_committee(connection, list(people))
    return [
        Attendee(
            e.person_id,
            display_name(people[e.person_id]),
            e.status,
            e.member,
            e.person_id in voting,
        )
        for e in entries
        if staff or access.person_is_public(people[e.person_id], e.person_id in public_people)
    ]


def _in_public_committee(connection: Connection, person_ids: list[int]) -> set[int]:
    return repository.in_public_committee(connection, person_ids, access.PUBLIC_COMMITTEE_KINDS)
