"""Queries of the calendar feeds: feed tokens, and the sessions, deadlines and statement
requests a feed lists, each within one body."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, exists, or_, select, update
from sqlalchemy.engine import Connection

from service.auth.models import User
from service.calendar.models import CalendarFeed
from service.committees.models import Committee, Meeting, Membership
from service.deadlines.models import Deadline
from service.measures.models import Measure
from service.measures.repository import STATEMENT_FOR_FLAG as STATEMENT_FOR_FLAG  # for service
from service.statements.models import Statement

feeds: Table = CalendarFeed.__table__  # type: ignore[attr-defined]
users: Table = User.__table__  # type: ignore[attr-defined]
committees: Table = Committee.__table__  # type: ignore[attr-defined]
meetings: Table = Meeting.__table__  # type: ignore[attr-defined]
memberships: Table = Membership.__table__  # type: ignore[attr-defined]
deadlines: Table = Deadline.__table__  # type: ignore[attr-defined]
measures: Table = Measure.__table__  # type: ignore[attr-defined]
statements: Table = Statement.__table__  # type: ignore[attr-defined]

# --- feed tokens ---------------------------------------------------------------------------


def feed_login(connection: Connection, digest: str) -> Any:
    """The active login a live feed token belongs to, with the body of the feed."""
    return connection.execute(
        select(
            users.c.id,
            users.c.person_id,
            users.c.roles,
            users.c.username,
            feeds.c.body_id,
        )
        .join(users, users.c.id == feeds.c.user_id)
        .where(
            feeds.c.token_hash == digest,
            feeds.c.revoked_at.is_(None),
            users.c.active.is_(True),
        )
    ).first()


def live_feed(connection: Connection, user_id: int) -> Any:
    return connection.execute(
        select(feeds).where(feeds.c.user_id == user_id, feeds.c.revoked_at.is_(None))
    ).first()


def revoke_feeds_of(connection: Connection, user_id: int, now: datetime) -> list[int]:
    """Revokes the user's live feeds; their ids, for the audit trail."""
    live = [
        row.id
        for row in connection.execute(
            select(feeds.c.id).where(feeds.c.user_id == user_id, feeds.c.revoked_at.is_(None))
        )
    ]
    if live:
        connection.execute(update(feeds).where(feeds.c.id.in_(live)).values(revoked_at=now))
    return live


# --- what the feeds list -------------------------------------------------------------------


def committee(connection: Connection, body_id: int, committee_id: int) -> Any:
    return connection.execute(
        select(committees).where(committees.c.id == committee_id, committees.c.body_id == body_id)
    ).first()


def meetings_of(
    connection: Connection, body_id: int, committee_ids: list[int], since: datetime
) -> list[Any]:
    """Sessions of these committees from ``since`` on, cancelled ones too."""
    return list(
        connection.execute(
            select(
                meetings,
                committees.c.name.label("committee_name"),
                committees.c.kind.label("committee_kind"),
            )
            .join(committees, committees.c.id == meetings.c.committee_id)
            .where(
                meetings.c.body_id == body_id,
                meetings.c.committee_id.in_(committee_ids),
                meetings.c.starts_at >= since,
            )
            .order_by(meetings.c.starts_at, meetings.c.id)
        )
    )


def member_committees(
    connection: Connection, body_id: int, person_id: int, today: date
) -> list[int]:
    """The committees the person belongs to today or later."""
    return sorted(
        {
            row.committee_id
            for row in connection.execute(
                select(memberships.c.committee_id)
                .join(committees, committees.c.id == memberships.c.committee_id)
                .where(
                    committees.c.body_id == body_id,
                    memberships.c.person_id == person_id,
                    or_(memberships.c.valid_until.is_(None), memberships.c.valid_until >= today),
                )
            )
        }
    )


def open_deadlines_of(connection: Connection, body_id: int, person_id: int) -> list[Any]:
    """Open deadlines of the measures the person is responsible for."""
    return list(
        connection.execute(
            select(
                deadlines.c.id,
                deadlines.c.label,
                deadlines.c.due_at,
                measures.c.id.label("measure_id"),
                measures.c.code,
                measures.c.title,
                measures.c.public,
                measures.c.responsible_person_id,
            )
            .join(measures, measures.c.id == deadlines.c.entity_id)
            .where(
                deadlines.c.open.is_(True),
                deadlines.c.entity_type == "measure",
                deadlines.c.body_id == body_id,
                measures.c.body_id == body_id,
                measures.c.responsible_person_id == person_id,
            )
            .order_by(deadlines.c.due_at, deadlines.c.id)
        )
    )


def statement_requests(
    connection: Connection, body_id: int, flag: str, kind: str, states: tuple[str, ...]
) -> list[Any]:
    """Measures that call for a statement of ``kind`` (their ``flag`` is set) and have none,
    in a state where it still blocks a step, with the due date of their open deadline."""
    return list(
        connection.execute(
            select(
                measures.c.id,
                measures.c.code,
                measures.c.title,
                measures.c.public,
                measures.c.responsible_person_id,
                deadlines.c.due_at,
            )
            .join(
                deadlines,
                and_(
                    deadlines.c.entity_type == "measure",
                    deadlines.c.entity_id == measures.c.id,
                    deadlines.c.open.is_(True),
                ),
            )
            .where(
                measures.c.body_id == body_id,
                measures.c.state.in_(states),
                measures.c.fields[flag].as_boolean().is_(True),
                ~exists().where(
                    statements.c.measure_id == measures.c.id, statements.c.kind == kind
                ),
            )
            .order_by(deadlines.c.due_at, measures.c.id)
        )
    )
