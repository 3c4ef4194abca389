"""The last visit of a page per user: read by the task list, written by the page's service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete, select
from sqlalchemy.engine import Connection

from service.db import conflict_insert
from service.visits.models import PageVisit

visits: Table = PageVisit.__table__  # type: ignore[attr-defined]

# The council member's Beschlusskontrolle (``/fristen``).
RESOLUTION_CONTROL = "beschlusskontrolle"


def last_seen(connection: Connection, user_id: int, page: str) -> datetime | None:
    found: datetime | None = connection.execute(
        select(visits.c.seen_at).where(visits.c.user_id == user_id, visits.c.page == page)
    ).scalar()
    return found


def record(connection: Connection, user_id: int, page: str, at: datetime) -> None:
    statement = conflict_insert(connection, visits).values(user_id=user_id, page=page, seen_at=at)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[visits.c.user_id, visits.c.page],
            set_={"seen_at": statement.excluded.seen_at},
        )
    )


def forget_logins(connection: Connection, user_ids: list[int]) -> None:
    """Erasure (Art. 17): the visits of the erased person's logins go."""
    if user_ids:
        connection.execute(delete(visits).where(visits.c.user_id.in_(user_ids)))
