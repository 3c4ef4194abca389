"""Retention's SQL: how old each kind of event is, and removing a prefix of a chain.

Runs on the owner connection, the only role allowed to delete audit rows; the append-only
triggers are set aside inside the same transaction, so no other session ever sees them off.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.engine import Connection

from service.audit.models import DISCLOSURE, EXPORT, QUERY, READ_SUFFIX
from service.audit.repository.chain import details, event_persons, events

AUDIT_TABLES = ("audit_events", "audit_event_persons", "audit_details")

# The kind of an event by its action: reads and the trail's own uses are "zugriff", logins
# "anmeldung", every other action a change ("aenderung").
kind_of_action = case(
    (
        or_(
            events.c.action.like(f"%{READ_SUFFIX}"),
            events.c.action.in_([QUERY, EXPORT, DISCLOSURE]),
        ),
        "zugriff",
    ),
    (events.c.action.like("auth.%"), "anmeldung"),
    else_="aenderung",
)


def first_seq_since(
    connection: Connection, chain_key: str, kind: str, since: datetime
) -> int | None:
    """The first event of this kind written at or after ``since`` (one still to keep)."""
    found: int | None = connection.execute(
        select(func.min(events.c.seq)).where(
            events.c.chain_key == chain_key,
            kind_of_action == kind,
            events.c.ts >= since,
        )
    ).scalar()
    return found


def counts_up_to(connection: Connection, chain_key: str, up_to_seq: int) -> dict[str, int]:
    """Events per kind from the chain's start up to ``up_to_seq``."""
    return {
        kind: count
        for kind, count in connection.execute(
            select(kind_of_action, func.count())
            .where(events.c.chain_key == chain_key, events.c.seq <= up_to_seq)
            .group_by(kind_of_action)
        )
    }


def remove_up_to(connection: Connection, chain_key: str, up_to_seq: int) -> None:
    """Deletes the events up to ``up_to_seq`` with their persons and details."""
    doomed = select(events.c.id).where(events.c.chain_key == chain_key, events.c.seq <= up_to_seq)
    with _triggers_set_aside(connection):
        connection.execute(delete(details).where(details.c.event_id.in_(doomed)))
        connection.execute(delete(event_persons).where(event_persons.c.event_id.in_(doomed)))
        connection.execute(
            delete(events).where(events.c.chain_key == chain_key, events.c.seq <= up_to_seq)
        )


@contextmanager
def _triggers_set_aside(connection: Connection) -> Iterator[None]:
    if connection.dialect.name == "postgresql":
        # Only the table owner may do this; DDL is transactional, so the triggers are off
        # for this transaction alone (others wait on the table lock).
        for table in AUDIT_TABLES:
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield
        for table in AUDIT_TABLES:
            connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return
    # SQLite: drop the refusing triggers and put back exactly what was there.
    saved = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name IN ('audit_events', 'audit_event_persons', 'audit_details') "
        "AND sql LIKE '%DELETE%'"
    ).all()
    for name, _ in saved:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    for _, sql in saved:
        connection.exec_driver_sql(sql)
