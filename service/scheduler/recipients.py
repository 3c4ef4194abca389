"""Who receives what is addressed to a person or a role.

Deputies are resolved here and only here: every job asks ``recipients_for`` and never reads
the deputy columns itself, so a richer rule (several deputies, absences by calendar) changes
this one function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from service.auth.models import User
from service.people.models import Person
from service.people.service import display_name

users = User.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Recipient:
    person_id: int
    name: str
    email: str | None
    # The absent person this recipient stands in for, named in the e-mail.
    on_behalf_of: str | None = None


def recipients_for(connection: Connection, person_id: int, now: datetime) -> list[int]:
    """The person, or, while their user has named a deputy for a period covering ``now``,
    the deputy's person instead (a Stellvertretung receives the absent user's reminders)."""
    deputy = users.alias("deputy")
    row = connection.execute(
        select(deputy.c.person_id)
        .select_from(users.join(deputy, users.c.deputy_user_id == deputy.c.id))
        .where(
            users.c.person_id == person_id,
            users.c.active.is_(True),
            deputy.c.active.is_(True),
            deputy.c.person_id.is_not(None),
            or_(users.c.deputy_from.is_(None), users.c.deputy_from <= now),
            or_(users.c.deputy_until.is_(None), users.c.deputy_until > now),
        )
    ).first()
    return [int(row.person_id)] if row is not None else [person_id]


def role_holders(connection: Connection, role: str) -> list[int]:
    """Persons behind the active users holding ``role`` (roles are a short JSON list)."""
    rows = connection.execute(
        select(users.c.person_id, users.c.roles).where(
            and_(users.c.active.is_(True), users.c.person_id.is_not(None))
        )
    )
    return sorted({int(r.person_id) for r in rows if role in (r.roles or [])})


def describe(
    connection: Connection, person_ids: list[int], on_behalf_of: str | None = None
) -> list[Recipient]:
    if not person_ids:
        return []
    rows = connection.execute(
        select(persons).where(persons.c.id.in_(person_ids), persons.c.erased_at.is_(None))
    )
    return [
        Recipient(int(r.id), display_name(r), r.email, on_behalf_of)
        for r in sorted(rows, key=lambda r: r.id)
    ]


def resolve(connection: Connection, person_id: int, now: datetime) -> list[Recipient]:
    """The recipients of a message meant for ``person_id``, with the deputy note if any."""
    targets = recipients_for(connection, person_id, now)
    if targets == [person_id]:
        return describe(connection, targets)
    absent = describe(connection, [person_id])
    return describe(connection, targets, absent[0].name if absent else None)
