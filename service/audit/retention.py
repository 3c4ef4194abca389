"""Retention: removing whole segments of the chain whose every event has expired.

Periods are per kind of event (``RATSFLOW_AUDIT_RETENTION_DAYS``; reasons in the README).
Only a prefix of the chain that ends at a signed checkpoint is ever removed, and that
checkpoint stays: the first remaining event links to it, so what remains still verifies.
Runs on the owner connection, the only role allowed to delete audit rows; the append-only
triggers are set aside inside the same transaction, so no other session ever sees them off.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.engine import Connection

from service.actor import SYSTEM
from service.audit import repository
from service.audit.checkpoints import stored
from service.audit.service import DISCLOSURE, EXPORT, QUERY, READ_SUFFIX, record
from service.config import Settings

events = repository.events
details = repository.details
event_persons = repository.event_persons

# Kinds of events and the actions they cover; every other action is a change ("aenderung").
KINDS = ("zugriff", "anmeldung", "aenderung")
AUDIT_TABLES = ("audit_events", "audit_event_persons", "audit_details")

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


@dataclass
class Removal:
    chain_key: str
    up_to_seq: int | None  # the closing checkpoint; None: nothing may go yet
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def retention_days(settings: Settings) -> dict[str, int]:
    unknown = set(settings.audit_retention_days) - set(KINDS)
    if unknown:
        raise ValueError(
            f"RATSFLOW_AUDIT_RETENTION_DAYS: unbekannte Art {', '.join(sorted(unknown))}; "
            f"bekannt sind {', '.join(KINDS)}."
        )
    return dict(settings.audit_retention_days)


def plan(connection: Connection, chain_key: str, days: dict[str, int], now: datetime) -> Removal:
    """The longest removable prefix: up to the last checkpoint before any unexpired event."""
    limit: int | None = None
    for kind, kept in days.items():
        young = connection.execute(
            select(func.min(events.c.seq)).where(
                events.c.chain_key == chain_key,
                kind_of_action == kind,
                events.c.ts >= now - timedelta(days=kept),
            )
        ).scalar()
        if young is not None:
            limit = young - 1 if limit is None else min(limit, young - 1)
    head = repository.head(connection, chain_key)
    if head is None:
        return Removal(chain_key, None)
    limit = head.seq if limit is None else limit
    first = repository.first_seq(connection, chain_key) or 1
    # The head always stays: the next event must find its forerunner in the table.
    closing = [
        c.seq
        for c in stored(connection, chain_key)
        if first <= c.seq <= limit and c.seq < head.seq and c.signed()
    ]
    if not closing:
        return Removal(chain_key, None)
    removal = Removal(chain_key, max(closing))
    for kind, count in connection.execute(
        select(kind_of_action, func.count())
        .where(events.c.chain_key == chain_key, events.c.seq <= removal.up_to_seq)
        .group_by(kind_of_action)
    ):
        removal.removed[kind] = count
    return removal


def apply_retention(
    settings: Settings, connection: Connection, now: datetime, *, dry_run: bool = False
) -> list[Removal]:
    """On the owner connection; writes one ``audit.retention`` event per chain it shortens."""
    days = retention_days(settings)
    removals = [plan(connection, key, days, now) for key in repository.chain_keys(connection)]
    if dry_run:
        return removals
    for removal in removals:
        if removal.up_to_seq is None or not removal.total:
            continue
        doomed = select(events.c.id).where(
            events.c.chain_key == removal.chain_key, events.c.seq <= removal.up_to_seq
        )
        with _triggers_set_aside(connection):
            connection.execute(delete(details).where(details.c.event_id.in_(doomed)))
            connection.execute(delete(event_persons).where(event_persons.c.event_id.in_(doomed)))
            connection.execute(
                delete(events).where(
                    events.c.chain_key == removal.chain_key,
                    events.c.seq <= removal.up_to_seq,
                )
            )
        record(
            connection,
            removal.chain_key,
            actor=SYSTEM,
            now=now,
            action="audit.retention",
            entity_type="audit_trail",
            entity_id=None,
            context={"up_to_seq": removal.up_to_seq, **removal.removed},
        )
    return removals


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
