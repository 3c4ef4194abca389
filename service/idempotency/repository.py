"""The remembered answers of ``Idempotency-Key`` requests, one row per user and key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from service.idempotency.models import IdempotencyKey

keys = IdempotencyKey.__table__  # type: ignore[attr-defined]


def find(connection: Connection, user_id: int, key: str) -> Any:
    """The row of this user's key, or None."""
    return connection.execute(
        select(keys).where(keys.c.user_id == user_id, keys.c.key == key)
    ).first()


def insert_key(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(insert(keys).returning(keys.c.id), values).scalar_one())


def delete_key(connection: Connection, row_id: int) -> None:
    connection.execute(delete(keys).where(keys.c.id == row_id))


def store_answer(connection: Connection, row_id: int | None, status: int, body: str) -> None:
    connection.execute(
        update(keys).where(keys.c.id == row_id).values(status=status, response_body=body)
    )


def delete_created_before(connection: Connection, cutoff: datetime) -> int:
    """Forgets the rows created at or before ``cutoff``; how many went."""
    result = connection.execute(delete(keys).where(keys.c.created_at <= cutoff))
    return int(result.rowcount or 0)
