"""Who receives what is addressed to a person or a role.

Deputies are resolved here and only here: every job asks ``resolve``, which takes the
current Stellvertretungen from ``service.auth.deputies``; a deputy receives the reminders
beside the absent person, with a note naming whom they stand in for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from service.auth import deputies
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
    """The person, then each current deputy with a note naming whom they stand in for."""
    targets = deputies.recipients_for(connection, person_id, now)
    absent = describe(connection, [person_id])
    note = absent[0].name if absent else None
    result = list(absent)
    for target in targets[1:]:
        result += describe(connection, [target.person_id], note)
    return result
