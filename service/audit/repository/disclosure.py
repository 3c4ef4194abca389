"""What the database holds about one person (DSGVO Art. 15), table by table.

A cross-domain read by nature: the disclosure must name everything, wherever it is kept.
Each function reads one kind of record as plain rows; ``service.audit.disclosure`` shapes
them and cuts the audit events down to this person.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import RowMapping, exists, or_, select
from sqlalchemy.engine import Connection

from service.audit.repository.chain import details, event_persons, events
from service.auth.models import Deputyship, User
from service.bodies.models import Body
from service.committees.models import Attendance, Committee, Meeting, Membership
from service.measures.models import Measure
from service.papers.models import Vote, VoteParticipant
from service.people.models import Person
from service.programmes.models import Programme
from service.statements.models import Statement

persons = Person.__table__  # type: ignore[attr-defined]
bodies = Body.__table__  # type: ignore[attr-defined]
users = User.__table__  # type: ignore[attr-defined]
deputyships = Deputyship.__table__  # type: ignore[attr-defined]
memberships = Membership.__table__  # type: ignore[attr-defined]
committees = Committee.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
statements = Statement.__table__  # type: ignore[attr-defined]
attendance = Attendance.__table__  # type: ignore[attr-defined]
meetings = Meeting.__table__  # type: ignore[attr-defined]
votes = Vote.__table__  # type: ignore[attr-defined]
vote_participants = VoteParticipant.__table__  # type: ignore[attr-defined]

# Event ids go to the database in chunks: one IN list per chunk keeps every backend happy.
_CHUNK = 500


def _rows(connection: Connection, query: Any) -> list[RowMapping]:
    return list(connection.execute(query).mappings())


def person(connection: Connection, person_id: int, chain_key: str) -> RowMapping | None:
    """The person, if of the body whose slug is ``chain_key``."""
    of_body = select(bodies.c.id).where(bodies.c.slug == chain_key).scalar_subquery()
    found = _rows(
        connection,
        select(persons).where(persons.c.id == person_id, persons.c.body_id == of_body),
    )
    return found[0] if found else None


def logins(connection: Connection, person_id: int) -> list[RowMapping]:
    return _rows(
        connection,
        select(
            users.c.id,
            users.c.username,
            users.c.roles,
            users.c.active,
            users.c.must_change_password,
            users.c.created_at,
        ).where(users.c.person_id == person_id),
    )


def deputyships_of(connection: Connection, user_ids: list[int]) -> list[RowMapping]:
    """Periods only: who the other side was concerns that other person."""
    return _rows(
        connection,
        select(
            deputyships.c.id,
            deputyships.c.user_id.in_(user_ids).label("selbst_benannt"),
            deputyships.c.deputy_user_id.in_(user_ids).label("selbst_vertretung"),
            deputyships.c.starts_on,
            deputyships.c.ends_on,
            deputyships.c.withdrawn_at,
        )
        .where(
            or_(
                deputyships.c.user_id.in_(user_ids),
                deputyships.c.deputy_user_id.in_(user_ids),
            )
        )
        .order_by(deputyships.c.id),
    )


def memberships_of(connection: Connection, person_id: int) -> list[RowMapping]:
    return _rows(
        connection,
        select(
            memberships.c.id,
            committees.c.name.label("gremium"),
            memberships.c.role,
            memberships.c.voting_right,
            memberships.c.valid_from,
            memberships.c.valid_until,
        )
        .join(committees, committees.c.id == memberships.c.committee_id)
        .where(memberships.c.person_id == person_id)
        .order_by(memberships.c.id),
    )


def measures_of(connection: Connection, person_id: int) -> list[RowMapping]:
    return _rows(
        connection,
        select(measures.c.id, measures.c.code, measures.c.title, measures.c.state)
        .where(measures.c.responsible_person_id == person_id)
        .order_by(measures.c.id),
    )


def programmes_of(connection: Connection, person_id: int) -> list[RowMapping]:
    return _rows(
        connection,
        select(programmes.c.id, programmes.c.title)
        .where(programmes.c.owner_person_id == person_id)
        .order_by(programmes.c.id),
    )


def statements_of(connection: Connection, person_id: int) -> list[RowMapping]:
    return _rows(
        connection,
        select(
            statements.c.id,
            statements.c.measure_id,
            measures.c.code.label("massnahme"),
            statements.c.kind,
            statements.c.given_on,
            statements.c.outcome,
            statements.c.text,
        )
        .join(measures, measures.c.id == statements.c.measure_id)
        .where(statements.c.author_person_id == person_id)
        .order_by(statements.c.id),
    )


def attendance_of(connection: Connection, person_id: int) -> list[RowMapping]:
    return _rows(
        connection,
        select(
            attendance.c.meeting_id,
            committees.c.name.label("gremium"),
            meetings.c.starts_at,
            attendance.c.present,
        )
        .join(meetings, meetings.c.id == attendance.c.meeting_id)
        .join(committees, committees.c.id == meetings.c.committee_id)
        .where(attendance.c.person_id == person_id)
        .order_by(meetings.c.starts_at),
    )


def votes_of(connection: Connection, person_id: int) -> list[RowMapping]:
    return _rows(
        connection,
        select(
            vote_participants.c.vote_id,
            votes.c.paper_id,
            votes.c.held_on,
            vote_participants.c.status,
        )
        .join(votes, votes.c.id == vote_participants.c.vote_id)
        .where(vote_participants.c.person_id == person_id)
        .order_by(votes.c.held_on),
    )


def events_of(
    connection: Connection, chain_key: str, person_id: int, user_ids: list[int]
) -> list[Any]:
    """Events of the body's chain that affected the person or in which one of their logins
    acted, in order."""
    affected = exists().where(
        event_persons.c.event_id == events.c.id, event_persons.c.person_id == person_id
    )
    condition = or_(affected, events.c.actor_id.in_(user_ids)) if user_ids else affected
    return list(
        connection.execute(
            select(events)
            .where(events.c.chain_key == chain_key, condition)
            .order_by(events.c.ts, events.c.id)
        )
    )


def own_values(
    connection: Connection, event_ids: list[int], person_id: int
) -> tuple[dict[int, dict[str, str | None]], set[int]]:
    """Of these events: the person's own readable values by event and path, and the events
    that name the person as affected."""
    own: dict[int, dict[str, str | None]] = {}
    involved: set[int] = set()
    for chunk in _chunks(event_ids):
        for d in connection.execute(
            select(details.c.event_id, details.c.path, details.c.value).where(
                details.c.event_id.in_(chunk), details.c.person_id == person_id
            )
        ):
            own.setdefault(d.event_id, {})[d.path] = d.value
        for p in connection.execute(
            select(event_persons.c.event_id).where(
                event_persons.c.event_id.in_(chunk), event_persons.c.person_id == person_id
            )
        ):
            involved.add(p.event_id)
    return own, involved


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]
