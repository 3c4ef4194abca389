"""The remembered answers of ``Idempotency-Key`` requests, one row per user and key."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, false, insert, or_, select, update
from sqlalchemy.engine import Connection

from service.auth.models import User
from service.idempotency.models import IdempotencyKey

keys = IdempotencyKey.__table__  # type: ignore[attr-defined]
users = User.__table__  # type: ignore[attr-defined]


def find(connection: Connection, user_id: int, key: str) -> Any:
    """The row of this user's key, or None."""
    return connection.execute(
        select(keys).where(keys.c.user_id == user_id, keys.c.key == key)
    ).first()


def insert_key(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(insert(keys).returning(keys.c.id), values).scalar_one())


def delete_key(connection: Connection, row_id: int) -> None:
    connection.execute(delete(keys).where(keys.c.id == row_id))


def store_answer(
    connection: Connection, row_id: int | None, status: int, body: str, headers: dict[str, str]
) -> None:
    connection.execute(
        update(keys)
        .where(keys.c.id == row_id)
        .values(status=status, response_body=body, response_headers=headers)
    )


def delete_created_before(connection: Connection, cutoff: datetime) -> int:
    """Forgets the rows created at or before ``cutoff``; how many went."""
    result = connection.execute(delete(keys).where(keys.c.created_at <= cutoff))
    return int(result.rowcount or 0)


def delete_of_person(
    connection: Connection, body_id: int, person_id: int, needles: Sequence[str]
) -> int:
    """Forgets the answers kept for the person's logins, and every answer to another login
    of the body that holds one of ``needles``; how many went. The headers are not searched:
    a ``Location`` or ``ETag`` names an item by its number, never a person by name."""
    theirs = select(users.c.id).where(users.c.person_id == person_id)
    of_body = select(users.c.id).where(users.c.body_id == body_id)
    naming = or_(false(), *(keys.c.response_body.contains(n, autoescape=True) for n in needles))
    condition = or_(keys.c.user_id.in_(theirs), and_(keys.c.user_id.in_(of_body), naming))
    result = connection.execute(delete(keys).where(condition))
    return int(result.rowcount or 0)
