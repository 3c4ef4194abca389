"""The login throttle's table: failures counted per key, and the locks they lead to.

Statement-level SQL only; when to count, lock and forget is ``service.auth.throttle``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.engine import Connection

from service.auth.models import LoginThrottle
from service.db import conflict_insert

throttles = LoginThrottle.__table__  # type: ignore[attr-defined]


def locked_until(connection: Connection, digests: Iterable[str], now: datetime) -> Any:
    """The latest lock still running on any of these keys, or None."""
    return connection.execute(
        select(func.max(throttles.c.locked_until)).where(
            throttles.c.key.in_(list(digests)), throttles.c.locked_until > now
        )
    ).scalar()


def locks(connection: Connection, digests: Iterable[str], now: datetime) -> dict[str, datetime]:
    """The end of each lock still running, by key, for the keys that have one."""
    rows = connection.execute(
        select(throttles.c.key, throttles.c.locked_until).where(
            throttles.c.key.in_(list(digests)), throttles.c.locked_until > now
        )
    )
    return {row.key: row.locked_until for row in rows}


def count_failure(
    connection: Connection, digest: str, scope: str, now: datetime, forget_after: timedelta
) -> int:
    """Counts one failure atomically (an upsert), so concurrent failures all count; a count
    quiet for ``forget_after`` starts afresh. Returns the failures in a row."""
    stale = throttles.c.last_failure_at < now - forget_after
    statement = (
        conflict_insert(connection, throttles)
        .values(key=digest, scope=scope, failures=1, last_failure_at=now)
        .on_conflict_do_update(
            index_elements=[throttles.c.key],
            set_={
                "failures": case((stale, 1), else_=throttles.c.failures + 1),
                "last_failure_at": now,
            },
        )
        .returning(throttles.c.failures)
    )
    return int(connection.execute(statement).scalar_one())


def lock_key(connection: Connection, digest: str, until: datetime) -> None:
    connection.execute(
        update(throttles).where(throttles.c.key == digest).values(locked_until=until)
    )


def forget_failures_before(connection: Connection, oldest: datetime, now: datetime) -> None:
    """Drops counters quiet since before ``oldest`` whose lock (if any) has run out."""
    connection.execute(
        delete(throttles).where(
            throttles.c.last_failure_at < oldest,
            (throttles.c.locked_until.is_(None)) | (throttles.c.locked_until < now),
        )
    )


def clear_key(connection: Connection, digest: str) -> None:
    connection.execute(delete(throttles).where(throttles.c.key == digest))
