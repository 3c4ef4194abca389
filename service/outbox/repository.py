"""Statement-level SQL of the outbox: insert once per key, claim atomically, settle."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection

from service.db import conflict_insert
from service.outbox.models import OutboxMessage

outbox: Table = OutboxMessage.__table__  # type: ignore[attr-defined]

DUE_STATUSES = ("pending", "sending")


def insert_once(connection: Connection, values: dict[str, Any]) -> bool:
    """Inserts unless a message with the same reminder key exists; True if it is new.

    The UNIQUE constraint decides, not a read before the write, so two writers racing on
    one reminder still leave exactly one row.
    """
    statement = (
        conflict_insert(connection, outbox)
        .values(values)
        .on_conflict_do_nothing(index_elements=["reminder_key"])
        .returning(outbox.c.id)
    )
    # RETURNING, not rowcount: psycopg reports no rowcount for a skipped ON CONFLICT insert.
    return connection.execute(statement).first() is not None


def existing_keys(connection: Connection, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` name a message already written (looked up in the UNIQUE index)."""
    if not keys:
        return set()
    rows = connection.execute(
        select(outbox.c.reminder_key).where(outbox.c.reminder_key.in_(list(keys)))
    )
    return {str(r.reminder_key) for r in rows}


def delete_unsent(connection: Connection, keys: Sequence[str]) -> list[tuple[str, int]]:
    """Deletes the messages of ``keys`` that wait to go or failed for good (key and attempts
    of each). A message a dispatcher has claimed stays: it may be on the wire already."""
    if not keys:
        return []
    rows = connection.execute(
        delete(outbox)
        .where(outbox.c.reminder_key.in_(list(keys)), outbox.c.status.in_(("pending", "failed")))
        .returning(outbox.c.reminder_key, outbox.c.attempts)
    )
    return [(str(r.reminder_key), int(r.attempts)) for r in rows]


def claim(
    connection: Connection, now: datetime, lease_until: datetime, token: str, limit: int
) -> list[Any]:
    """Marks up to ``limit`` due messages as being sent by ``token`` and returns them.

    PostgreSQL skips rows another dispatcher has locked (FOR UPDATE SKIP LOCKED); SQLite
    runs the same conditional UPDATE under its single write lock (BEGIN IMMEDIATE). A claim
    lapses at ``lease_until``, so a message claimed by a process that died goes out later.
    """
    due = (
        select(outbox.c.id)
        .where(outbox.c.status.in_(DUE_STATUSES), outbox.c.next_attempt_at <= now)
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )
    if connection.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(outbox)
        .where(outbox.c.id.in_(due.scalar_subquery()))
        .values(
            status="sending",
            claim_token=token,
            attempts=outbox.c.attempts + 1,
            next_attempt_at=lease_until,
        )
        .returning(*outbox.c)
    )
    rows = list(connection.execute(statement))
    return sorted(rows, key=lambda r: r.id)


def give_up(connection: Connection, now: datetime, max_attempts: int) -> list[tuple[int, int]]:
    """Turns every due message already claimed ``max_attempts`` times into a dead letter
    (id and attempts of each): its sending was begun that often without an outcome, e.g.
    because it took the process down each time, and one more claim would do the same."""
    statement = (
        update(outbox)
        .where(
            outbox.c.status.in_(DUE_STATUSES),
            outbox.c.next_attempt_at <= now,
            outbox.c.attempts >= max_attempts,
        )
        .values(
            status="failed",
            claim_token=None,
            last_error=f"Nach {max_attempts} Versuchen ohne Ergebnis aufgegeben "
            "(Versand jeweils abgebrochen).",
        )
        .returning(outbox.c.id, outbox.c.attempts)
    )
    return [(int(r.id), int(r.attempts)) for r in connection.execute(statement)]


def release_claims(connection: Connection, now: datetime) -> int:
    """Hands every claimed message back: run by a scheduler that has just been elected, when
    any claim still standing belongs to a process that is gone."""
    result = connection.execute(
        update(outbox)
        .where(outbox.c.status == "sending")
        .values(status="pending", claim_token=None, next_attempt_at=now)
    )
    return int(result.rowcount)


def settle(connection: Connection, message_id: int, token: str, **values: Any) -> bool:
    """Records the outcome only if the claim is still ours (a lapsed one may be re-claimed)."""
    result = connection.execute(
        update(outbox)
        .where(outbox.c.id == message_id, outbox.c.claim_token == token)
        .values(claim_token=None, **values)
    )
    return result.rowcount == 1


def requeue(connection: Connection, message_id: int, body_id: int, now: datetime) -> Any:
    return connection.execute(
        update(outbox)
        .where(outbox.c.id == message_id, outbox.c.body_id == body_id, outbox.c.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=now, last_error=None)
        .returning(*outbox.c)
    ).first()


def get(connection: Connection, message_id: int, body_id: int) -> Any:
    return connection.execute(
        select(outbox).where(outbox.c.id == message_id, outbox.c.body_id == body_id)
    ).first()


def page(
    connection: Connection,
    body_id: int,
    statuses: Sequence[str] | None,
    after_id: int | None,
    limit: int,
) -> list[Any]:
    query = select(outbox).where(outbox.c.body_id == body_id).order_by(outbox.c.id).limit(limit)
    if statuses:
        query = query.where(outbox.c.status.in_(statuses))
    if after_id is not None:
        query = query.where(outbox.c.id > after_id)
    return list(connection.execute(query))


UNSENT = ("pending", "sending", "failed")
_TEXTS = ("recipient_email", "subject", "body_text", "body_html", "ics", "last_error")


def erase_recipient(connection: Connection, body_id: int, person_id: int, placeholder: str) -> int:
    """The erasure of a person (Art. 17) in the body's outbox: every message to them not
    sent goes; of one sent, only that it was sent stays (address, subject, texts and
    calendar entry become ``placeholder``). How many messages there were."""
    mine = and_(outbox.c.body_id == body_id, outbox.c.recipient_person_id == person_id)
    deleted = connection.execute(delete(outbox).where(mine, outbox.c.status.in_(UNSENT)))
    emptied = connection.execute(
        update(outbox)
        .where(mine)
        .values(
            recipient_email=placeholder,
            subject=placeholder,
            body_text=placeholder,
            body_html=placeholder,
            ics=None,
            last_error=None,
        )
    )
    return int(deleted.rowcount or 0) + int(emptied.rowcount or 0)


def replace_everywhere(
    connection: Connection, body_id: int, needles: Sequence[str], placeholder: str
) -> int:
    """Replaces each of ``needles`` (in the given order) by ``placeholder`` in every text of
    the body's messages to others, e.g. a deputy's reminder naming whom they stand in for.
    How many messages named one of them."""
    if not needles:
        return 0
    columns = [outbox.c[name] for name in _TEXTS]
    naming = or_(*(column.contains(n, autoescape=True) for column in columns for n in needles))
    values: dict[str, Any] = {}
    for column in columns:
        replaced: Any = column
        for needle in needles:
            replaced = func.replace(replaced, needle, placeholder)
        values[column.name] = replaced
    result = connection.execute(
        update(outbox).where(outbox.c.body_id == body_id, naming).values(values)
    )
    return int(result.rowcount or 0)


def unsent_counts(connection: Connection) -> dict[str, int]:
    """Messages not yet sent, by where they stand: ``pending`` (never tried), ``failed``
    (tried, waiting for the next attempt), ``sending`` (claimed) and ``dead`` (given up).
    Sent messages are not counted: the status index skips them."""
    retried = and_(outbox.c.status == "pending", outbox.c.attempts > 0)
    rows = connection.execute(
        select(outbox.c.status, retried.label("retried"), func.count())
        .where(outbox.c.status != "sent")
        .group_by(outbox.c.status, retried)
    )
    counts = {"pending": 0, "failed": 0, "sending": 0, "dead": 0}
    for status, was_retried, count in rows:
        state = {"failed": "dead"}.get(status, "failed" if was_retried else status)
        counts[state] = counts.get(state, 0) + count
    return counts
