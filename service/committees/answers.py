"""How the committees and meetings API answers: its schemas, from the service's views."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.committees import meetings, reading, service
from service.committees.schemas import (
    AgendaItemOut,
    AttendanceList,
    AttendanceOut,
    CancellationOut,
    CancelledMeeting,
    CommitteeOut,
    MeetingDetail,
    MeetingSummary,
    MembershipOut,
)
from service.invitations.cancellation import CancellationNotice
from service.people.service import display_name
from service.runtime import Runtime


def committee_out(row: Any) -> CommitteeOut:
    return CommitteeOut(
        id=row.id,
        slug=row.slug,
        name=row.name,
        short_name=row.short_name,
        kind=row.kind,
        public=access.committee_is_public(row.kind),
        vote_rules=dict(row.vote_rules or {}),
        meeting_cycle=row.meeting_cycle,
    )


def membership_out(row: Any) -> MembershipOut:
    return MembershipOut(
        id=row.id,
        committee_id=row.committee_id,
        person_id=row.person_id,
        name=display_name(row),
        role=row.role,
        voting_right=row.voting_right,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def written_membership(
    connection: Connection, body_id: int, committee_id: int, membership_id: int
) -> MembershipOut:
    row = service.get_membership(connection, body_id, committee_id, membership_id)
    person = service.persons_by_id(connection, body_id, [row.person_id])[row.person_id]
    return MembershipOut(
        id=row.id,
        committee_id=row.committee_id,
        person_id=row.person_id,
        name=display_name(person),
        role=row.role,
        voting_right=row.voting_right,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def meeting_summary(row: Any) -> MeetingSummary:
    return MeetingSummary(
        id=row.id,
        committee_id=row.committee_id,
        committee_name=row.committee_name,
        starts_at=row.starts_at,
        location=row.location,
        public=access.committee_is_public(row.committee_kind),
        cancelled_at=row.cancelled_at,
    )


def meeting_detail(view: reading.MeetingView) -> MeetingDetail:
    return MeetingDetail(
        **meeting_summary(view.meeting).model_dump(),
        invitation_sent_at=view.meeting.invitation_sent_at,
        cancel_reason=view.meeting.cancel_reason,
        agenda=[
            AgendaItemOut(
                id=a.id,
                position=a.position,
                number=a.number,
                title=a.title,
                public=a.public,
                paper_id=a.paper_id,
                paper_reference=a.paper_reference,
                consultation_id=a.consultation_id,
            )
            for a in view.agenda
        ],
    )


def attendance_out(view: reading.MeetingView) -> AttendanceList:
    items = [
        AttendanceOut(person_id=a.person_id, name=a.name, member=a.member, status=a.status)
        for a in view.attendance
    ]
    return AttendanceList(meeting_id=view.meeting.id, recorded=view.recorded, items=items)


def written_meeting(
    runtime: Runtime, connection: Connection, actor: Actor, meeting_id: int
) -> MeetingDetail:
    """The meeting as its writer sees it now, inside the write (whose audit event suffices)."""
    meeting = meetings.get_meeting(connection, runtime.body_id_in(connection), meeting_id)
    return meeting_detail(reading.meeting_view(connection, actor, meeting))


def cancelled_meeting(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    meeting_id: int,
    notice: CancellationNotice,
) -> CancelledMeeting:
    """The meeting just cancelled, with whom the cancellation went to."""
    return CancelledMeeting(
        **written_meeting(runtime, connection, actor, meeting_id).model_dump(),
        cancellation=CancellationOut(
            told=notice.told,
            without_email=list(notice.without_email),
            passed_to=list(notice.passed_to),
            text=notice.text,
        ),
    )
