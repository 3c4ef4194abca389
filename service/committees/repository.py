"""Queries behind the committees, memberships and meetings API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from service.committees.models import AgendaItem, Attendance, Committee, Meeting, Membership
from service.keyset import After, Sort, page
from service.papers.models import Consultation, Paper, Vote
from service.people.models import Person

committees = Committee.__table__  # type: ignore[attr-defined]
memberships = Membership.__table__  # type: ignore[attr-defined]
meetings = Meeting.__table__  # type: ignore[attr-defined]
agenda_items = AgendaItem.__table__  # type: ignore[attr-defined]
attendance = Attendance.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
papers = Paper.__table__  # type: ignore[attr-defined]
consultations = Consultation.__table__  # type: ignore[attr-defined]
votes = Vote.__table__  # type: ignore[attr-defined]

COMMITTEE_SORT = {"id": committees.c.id, "name": committees.c.name}
MEETING_SORT = {"id": meetings.c.id, "starts_at": meetings.c.starts_at}


def _active_on(on: date) -> Any:
    return (
        or_(memberships.c.valid_from.is_(None), memberships.c.valid_from <= on),
        or_(memberships.c.valid_until.is_(None), memberships.c.valid_until >= on),
    )


def committee(connection: Connection, body_id: int, committee_id: int) -> Any:
    query = select(committees).where(
        committees.c.id == committee_id, committees.c.body_id == body_id
    )
    return connection.execute(query).first()


def committee_by_slug(connection: Connection, body_id: int, slug: str) -> Any:
    """Slugs are unique per body."""
    query = select(committees).where(committees.c.slug == slug, committees.c.body_id == body_id)
    return connection.execute(query).first()


def slug_taken(connection: Connection, body_id: int, slug: str) -> bool:
    return committee_by_slug(connection, body_id, slug) is not None


def page_committees(
    connection: Connection,
    body_id: int,
    *,
    kinds: frozenset[str] | None,
    kind: str | None,
    sort: Sort,
    after: After | None,
    limit: int,
) -> list[Any]:
    query = select(committees).where(committees.c.body_id == body_id)
    if kinds is not None:
        query = query.where(committees.c.kind.in_(sorted(kinds)))
    if kind:
        query = query.where(committees.c.kind == kind)
    column = COMMITTEE_SORT[sort.key]
    return list(connection.execute(page(query, column, committees.c.id, sort, after, limit)))


def membership(connection: Connection, membership_id: int) -> Any:
    return connection.execute(select(memberships).where(memberships.c.id == membership_id)).first()


def memberships_of(
    connection: Connection,
    committee_id: int,
    *,
    active_on: date | None,
    public_only: bool,
    after_id: int | None,
    limit: int,
) -> list[Any]:
    query = (
        select(
            memberships,
            persons.c.title,
            persons.c.given_name,
            persons.c.family_name,
            persons.c.is_staff,
            persons.c.erased_at,
        )
        .join(persons, persons.c.id == memberships.c.person_id)
        .where(memberships.c.committee_id == committee_id)
    )
    if active_on is not None:
        query = query.where(*_active_on(active_on))
    if public_only:
        query = query.where(persons.c.is_staff.is_(False), persons.c.erased_at.is_(None))
    if after_id is not None:
        query = query.where(memberships.c.id > after_id)
    return list(connection.execute(query.order_by(memberships.c.id).limit(limit)))


def voting_member_count(connection: Connection, committee_id: int, on: date) -> int:
    query = select(func.count()).where(
        memberships.c.committee_id == committee_id,
        memberships.c.voting_right.is_(True),
        *_active_on(on),
    )
    return int(connection.execute(query).scalar_one())


def voting_member_ids(connection: Connection, committee_id: int, on: date) -> set[int]:
    query = select(memberships.c.person_id).where(
        memberships.c.committee_id == committee_id,
        memberships.c.voting_right.is_(True),
        *_active_on(on),
    )
    return set(connection.execute(query).scalars())


def member_ids(connection: Connection, committee_id: int, on: date) -> list[int]:
    query = (
        select(memberships.c.person_id)
        .where(memberships.c.committee_id == committee_id, *_active_on(on))
        .order_by(memberships.c.id)
    )
    return list(dict.fromkeys(connection.execute(query).scalars()))


def meeting(connection: Connection, body_id: int, meeting_id: int) -> Any:
    query = (
        select(
            meetings,
            committees.c.name.label("committee_name"),
            committees.c.short_name.label("committee_short_name"),
            committees.c.kind.label("committee_kind"),
        )
        .join(committees, committees.c.id == meetings.c.committee_id)
        .where(meetings.c.id == meeting_id, meetings.c.body_id == body_id)
    )
    return connection.execute(query).first()


def page_meetings(
    connection: Connection,
    body_id: int,
    *,
    kinds: frozenset[str] | None,
    committee_id: int | None,
    starts_from: datetime | None,
    starts_before: datetime | None,
    sort: Sort,
    after: After | None,
    limit: int,
) -> list[Any]:
    query = select(
        meetings,
        committees.c.name.label("committee_name"),
        committees.c.short_name.label("committee_short_name"),
        committees.c.kind.label("committee_kind"),
    ).join(committees, committees.c.id == meetings.c.committee_id)
    query = query.where(meetings.c.body_id == body_id)
    if kinds is not None:
        query = query.where(committees.c.kind.in_(sorted(kinds)))
    if committee_id is not None:
        query = query.where(meetings.c.committee_id == committee_id)
    if starts_from is not None:
        query = query.where(meetings.c.starts_at >= starts_from)
    if starts_before is not None:
        query = query.where(meetings.c.starts_at < starts_before)
    column = MEETING_SORT[sort.key]
    return list(connection.execute(page(query, column, meetings.c.id, sort, after, limit)))


def agenda_of(connection: Connection, meeting_id: int, *, public_only: bool) -> list[Any]:
    query = (
        select(
            agenda_items,
            papers.c.reference.label("paper_reference"),
            papers.c.public.label("paper_public"),
            papers.c.version.label("paper_version"),
            consultations.c.id.label("consultation_id"),
            consultations.c.result.label("consultation_result"),
            consultations.c.closed_by.label("consultation_closed_by"),
        )
        .outerjoin(papers, papers.c.id == agenda_items.c.paper_id)
        .outerjoin(
            consultations,
            (consultations.c.paper_id == agenda_items.c.paper_id)
            & (consultations.c.meeting_id == agenda_items.c.meeting_id),
        )
        .where(agenda_items.c.meeting_id == meeting_id)
        .order_by(agenda_items.c.position, agenda_items.c.id)
    )
    if public_only:
        query = query.where(agenda_items.c.public.is_(True))
    return list(connection.execute(query))


def agenda_position_taken(connection: Connection, meeting_id: int, position: int) -> bool:
    query = select(agenda_items.c.id).where(
        agenda_items.c.meeting_id == meeting_id, agenda_items.c.position == position
    )
    return connection.execute(query).first() is not None


def next_agenda_position(connection: Connection, meeting_id: int) -> int:
    query = select(func.max(agenda_items.c.position)).where(agenda_items.c.meeting_id == meeting_id)
    return int(connection.execute(query).scalar() or 0) + 1


def unscheduled_consultation(connection: Connection, paper_id: int, committee_id: int) -> Any:
    query = (
        select(consultations)
        .outerjoin(meetings, meetings.c.id == consultations.c.meeting_id)
        .where(
            consultations.c.paper_id == paper_id,
            consultations.c.committee_id == committee_id,
            # A step of a cancelled session waits for the next one it is put on.
            or_(consultations.c.meeting_id.is_(None), meetings.c.cancelled_at.is_not(None)),
            consultations.c.result.is_(None),
        )
        .order_by(consultations.c.position)
        .limit(1)
    )
    return connection.execute(query).first()


def open_consultations_in(connection: Connection, meeting_id: int) -> list[Any]:
    """The steps planned in the meeting that have no result yet."""
    query = (
        select(consultations)
        .where(consultations.c.meeting_id == meeting_id, consultations.c.result.is_(None))
        .order_by(consultations.c.id)
    )
    return list(connection.execute(query))


def votes_held_in(connection: Connection, meeting_id: int) -> int:
    query = select(func.count()).select_from(votes).where(votes.c.meeting_id == meeting_id)
    return int(connection.execute(query).scalar_one())


def attendance_recorded(connection: Connection, meeting_id: int) -> bool:
    query = select(attendance.c.meeting_id).where(attendance.c.meeting_id == meeting_id).limit(1)
    return connection.execute(query).first() is not None


def attendance_of(connection: Connection, meeting_id: int) -> list[Any]:
    query = select(attendance).where(attendance.c.meeting_id == meeting_id)
    return list(connection.execute(query))


def replace_attendance(connection: Connection, meeting_id: int, rows: list[dict[str, Any]]) -> None:
    connection.execute(attendance.delete().where(attendance.c.meeting_id == meeting_id))
    if rows:
        connection.execute(attendance.insert(), rows)


def persons_by_id(connection: Connection, body_id: int, person_ids: list[int]) -> dict[int, Any]:
    """Those of the persons that belong to the body (another body's is nobody here)."""
    if not person_ids:
        return {}
    query = select(persons).where(persons.c.id.in_(person_ids), persons.c.body_id == body_id)
    return {row.id: row for row in connection.execute(query)}


def in_public_committee(
    connection: Connection, person_ids: list[int], kinds: frozenset[str]
) -> set[int]:
    """Which of these persons ever sat in a council body (OParl publishes past members too)."""
    if not person_ids:
        return set()
    query = (
        select(memberships.c.person_id)
        .join(committees, committees.c.id == memberships.c.committee_id)
        .where(memberships.c.person_id.in_(person_ids), committees.c.kind.in_(sorted(kinds)))
    )
    return set(connection.execute(query).scalars())


def paper_heading(connection: Connection, body_id: int, paper_id: int) -> Any:
    """What an agenda item needs of the paper it treats; None when the body has no such
    paper."""
    query = select(papers.c.public, papers.c.reference, papers.c.title).where(
        papers.c.id == paper_id, papers.c.body_id == body_id
    )
    return connection.execute(query).first()


def set_invitation_sent(connection: Connection, meeting_id: int, now: datetime) -> None:
    connection.execute(
        meetings.update().where(meetings.c.id == meeting_id).values(invitation_sent_at=now)
    )
