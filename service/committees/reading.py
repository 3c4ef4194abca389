"""Reading meetings: one view for the API and the Sitzungsdienst's pages alike.

A meeting of a council body is public, except the items of its non-public part and the
staff attending; a meeting of an internal working group is not public at all. A read that
shows any of it is logged (``meeting.read``) before it is shown: of one meeting, or of a
list that names a meeting of an internal working group.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.service import log_read
from service.committees import repository
from service.committees.attendance import AttendanceEntry, attendance_list
from service.committees.meetings import (
    agenda,
    page_meetings,
    visible_meeting,
    why_not_cancellable,
)
from service.committees.service import CHOICES_LIMIT, voting_member_ids
from service.invitations.cancellation import CancellationNotice, told_of
from service.keyset import After, Sort
from service.papers.service import open_papers
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
    vote_result: str | None = None  # the result of the paper's step here, once recorded
    closed_by: str | None = None  # what closed the step without a vote (``papers.rounds``)


@dataclass(frozen=True)
class Attendee:
    person_id: int
    name: str
    status: str | None
    member: bool
    voting: bool
    public: bool  # a council member of a council body; staff never are


@dataclass(frozen=True)
class MeetingView:
    meeting: Any
    day: date
    public: bool
    agenda: list[AgendaEntry]
    attendance: list[Attendee]
    recorded: bool
    voting_members: int
    papers: list[Any] = field(default_factory=list)  # what an agenda item could treat
    # Of a cancelled meeting, for whom plans it: whom the cancellation went to.
    cancellation: CancellationNotice | None = None
    # Of a meeting not cancelled, for whom plans it: why it can no longer be called off.
    not_cancellable: str | None = None

    @property
    def shows_more_than_public(self) -> bool:
        return (
            not self.public
            or any(not item.public for item in self.agenda)
            or any(not a.public for a in self.attendance)
            or any(not p.public for p in self.papers)
        )


def read_meeting(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    meeting_id: int,
    *,
    with_agenda: bool = True,
    with_attendance: bool = False,
    with_paper_choices: bool = False,
) -> MeetingView:
    """The meeting as this caller may see it: the parts asked for (``with_paper_choices``:
    the papers an agenda item could treat, for a caller who plans the meeting).

    Staff see the non-public part and everyone attending; the public sees council bodies'
    public parts and their council members. A read that shows a non-public meeting, its
    non-public part, staff attending or a non-public paper to choose is logged once
    (``meeting.read``, naming the persons shown) before it is returned.
    """
    meeting = visible_meeting(runtime, connection, actor, meeting_id)
    view = meeting_view(connection, actor, meeting, with_agenda, with_attendance)
    if with_paper_choices and access.holds(actor, "meeting.manage"):
        view = replace(view, papers=open_papers(runtime, connection, CHOICES_LIMIT))
        if meeting.cancelled_at is not None:
            view = replace(view, cancellation=told_of(runtime, connection, meeting))
        else:
            held = why_not_cancellable(runtime, connection, meeting)
            view = replace(view, not_cancellable=held)
    if view.shows_more_than_public:
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
        attendance=_attendees(connection, actor, meeting.body_id, entries, voting),
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
        vote_result=row.consultation_result if named else None,
        closed_by=row.consultation_closed_by if named else None,
    )


def _attendees(
    connection: Connection,
    actor: Actor | None,
    body_id: int,
    entries: list[AttendanceEntry],
    voting: set[int],
) -> list[Attendee]:
    people = repository.persons_by_id(connection, body_id, [e.person_id for e in entries])
    staff = access.holds(actor, "person.read")
    public_people = _in_public_committee(connection, list(people))
    public = {p: access.person_is_public(people[p], p in public_people) for p in people}
    return [
        Attendee(
            e.person_id,
            display_name(people[e.person_id]),
            e.status,
            e.member,
            e.person_id in voting,
            public[e.person_id],
        )
        for e in entries
        if staff or public[e.person_id]
    ]


def _in_public_committee(connection: Connection, person_ids: list[int]) -> set[int]:
    return repository.in_public_committee(connection, person_ids, access.PUBLIC_COMMITTEE_KINDS)


def read_meetings(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    *,
    committee_id: int | None,
    starts_from: datetime | None,
    starts_before: datetime | None,
    sort: Sort,
    after: After | None,
    limit: int,
) -> list[Any]:
    """A page of the meetings this caller may see, with one row more than shown when another
    page follows. A page that names a meeting of an internal working group is logged
    (``meeting.read``, no single meeting) before it is returned; one of council bodies'
    meetings only is not: they are public."""
    rows = page_meetings(
        runtime,
        connection,
        actor,
        committee_id=committee_id,
        starts_from=starts_from,
        starts_before=starts_before,
        sort=sort,
        after=after,
        limit=limit + 1,
    )
    if any(not access.committee_is_public(r.committee_kind) for r in rows[:limit]):
        log_read(runtime, actor, "meeting", None)
    return rows
