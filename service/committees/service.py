"""Committees, their members with voting right, and meetings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.committees.models import Committee, Meeting, Membership
from service.records import create_row
from service.runtime import Runtime
from workflow.votes import VoteRules

committees = Committee.__table__  # type: ignore[attr-defined]
memberships = Membership.__table__  # type: ignore[attr-defined]
meetings = Meeting.__table__  # type: ignore[attr-defined]


def create_committee(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    return create_row(runtime, connection, actor, committees, "committee", values)


def add_membership(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    return create_row(
        runtime, connection, actor, memberships, "membership", values, persons=[values["person_id"]]
    )


def create_meeting(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    return create_row(runtime, connection, actor, meetings, "meeting", values)


def committee_by_slug(connection: Connection, slug: str) -> Any:
    return connection.execute(select(committees).where(committees.c.slug == slug)).first()


def voting_members(connection: Connection, committee_id: int, on: date) -> int:
    """Seats with voting right on that day (memberships are dated, members change)."""
    return int(
        connection.execute(
            select(func.count()).where(
                memberships.c.committee_id == committee_id,
                memberships.c.voting_right.is_(True),
                or_(memberships.c.valid_from.is_(None), memberships.c.valid_from <= on),
                or_(memberships.c.valid_until.is_(None), memberships.c.valid_until >= on),
            )
        ).scalar_one()
    )


def vote_rules(row: Any) -> VoteRules:
    return VoteRules(**(row.vote_rules or {}))


def meeting_on(connection: Connection, committee_id: int, starts_at: datetime) -> int | None:
    return connection.execute(
        select(meetings.c.id).where(
            and_(meetings.c.committee_id == committee_id, meetings.c.starts_at == starts_at)
        )
    ).scalar()
