"""The chain's SQL: append under a chain lock, read in order; the rows verification walks."""

from __future__ import annotations

import hashlib
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import orjson
from psycopg import sql as pg_sql
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from service.audit.chain import GENESIS, EventDraft, SealedEvent, seal
from service.audit.models import ERASE, AuditDetail, AuditEvent, AuditEventPerson
from service.driver import DriverStatement, dbapi, time_value
from service.request_context import current_request_id

events = AuditEvent.__table__  # type: ignore[attr-defined]
details = AuditDetail.__table__  # type: ignore[attr-defined]
event_persons = AuditEventPerson.__table__  # type: ignore[attr-defined]

# The statements every write runs go to the driver (``service.driver``).
_LAST = DriverStatement(
    "SELECT seq, hash FROM audit_events WHERE chain_key = ? ORDER BY seq DESC LIMIT 1"
)
_LOCK = DriverStatement("SELECT pg_advisory_xact_lock(?)")
_INSERT_EVENT = DriverStatement(
    "INSERT INTO audit_events (chain_key, seq, ts, actor_id, actor_role, action, entity_type, "
    "entity_id, request_id, payload, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
_INSERT_PERSON = DriverStatement(
    "INSERT INTO audit_event_persons (event_id, person_id) VALUES (?, ?)"
)
_INSERT_DETAIL = DriverStatement(
    "INSERT INTO audit_details (event_id, path, person_id, value, salt) VALUES (?, ?, ?, ?, ?)"
)


def chain_lock_key(chain_key: str) -> int:
    """A stable signed 64-bit key per chain for PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.sha256(chain_key.encode()).digest()[:8], "big", signed=True)


def lock_chain(connection: Connection, chain_key: str) -> None:
    """Serialises writers of one chain until commit; SQLite's single writer already does."""
    if connection.dialect.name == "postgresql":
        _LOCK.run(connection, (chain_lock_key(chain_key),))


def append(
    connection: Connection, chain_key: str, draft: EventDraft, *, locked: bool = False
) -> SealedEvent:
    """``locked``: the caller already holds the chain lock in this transaction.

    An event written while serving a request carries its id (``X-Request-ID``) in the hashed
    text, so a log line leads to its events and the id cannot be changed afterwards."""
    if draft.request_id is None and (request_id := current_request_id()) is not None:
        draft = replace(draft, request_id=request_id)
    if not locked:
        lock_chain(connection, chain_key)
    last = _LAST.run(connection, (chain_key,)).fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    sealed = seal(draft, chain_key, seq, prev)
    event_id = _INSERT_EVENT.run(
        connection,
        (
            chain_key,
            seq,
            time_value(connection, draft.ts),
            draft.actor_id,
            draft.actor_role,
            draft.action,
            draft.entity_type,
            draft.entity_id,
            draft.request_id,
            sealed.payload,
            prev,
            sealed.hash,
        ),
    ).fetchone()[0]
    for person in sorted(set(draft.persons)):
        _INSERT_PERSON.run(connection, (event_id, person))
    for secret in sealed.secrets:
        _INSERT_DETAIL.run(
            connection, (event_id, secret.path, secret.person_id, secret.value, secret.salt)
        )
    return sealed


@dataclass(frozen=True)
class ChainRange:
    """A range of a chain's events in order, with the detail rows of its events by event id
    (``detail_rows_between``) and, where the columns are compared, their person rows
    (``persons_between``). ``rows`` may still be arriving from the database: read them all,
    or close the generator that yielded the range, before the next statement."""

    rows: Iterable[Any]
    details: dict[int, list[tuple[str, int | None, str | None, str | None]]]
    persons: dict[int, str]


def chain_ranges(
    connection: Connection,
    chain_key: str,
    first: int,
    last: int,
    with_columns: bool = False,
) -> Generator[ChainRange, None, None]:
    """Rows ``(id, seq, payload, prev_hash, hash)`` from ``first`` to ``last`` in chain order,
    in ranges of a few hundred (SQLite) or thousand (PostgreSQL) events; ``with_columns``
    (PostgreSQL only) adds ``(head, entity, tail)``: the indexed columns as the hashed text
    must show them (``COLUMN_TEXTS``), and the ranges carry the person rows. Close the
    generator before the next statement on the connection when stopping early.

    The driver's own cursor inside this transaction, without result processing: SQLAlchemy's
    per-row type conversion would cost more than the hashing itself.
    """
    driver = dbapi(connection)
    if connection.dialect.name == "postgresql":
        yield from _copied_ranges(connection, driver, chain_key, first, last, with_columns)
        return
    assert not with_columns, "SQLite compares the columns itself (agreement.in_database)"
    cursor = driver.cursor()
    try:
        cursor.execute(
            f"SELECT {_VERIFIED} FROM audit_events WHERE chain_key = ? AND seq >= ? AND seq <= ? "
            "ORDER BY seq",
            (chain_key, first, last),
        )
        while rows := cursor.fetchmany(_FETCHED):
            yield ChainRange(rows, detail_rows_between(connection, rows[0][0], rows[-1][0]), {})
    finally:
        cursor.close()


# The time as the hashed text writes it (ISO 8601 with "T" and "Z"), per database: SQLite
# stores a space and no zone.
HASHED_TS = {
    "sqlite": "replace(ts, ' ', 'T') || 'Z'",
    "postgresql": """to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""",
}
_VERIFIED = "id, seq, payload, prev_hash, hash"
# The columns as the hashed text (RFC 8785, keys sorted) must show them, written by
# PostgreSQL: ``head`` begins the text (action, actor, chain), ``entity`` comes right before
# the persons' ids and ends with their key, ``tail`` is everything after them. The database
# writes them in its own process while Python hashes the events before; Python then only
# compares texts (``service.audit.columns.agrees``). ``to_json`` quotes as JSON does; where
# it writes a value differently from the hashed text (an escape), that comparison fails and
# the exact one decides.
COLUMN_TEXTS = (
    """'{"action":' || to_json(action)::text || ',"actor":' || coalesce(actor_id::text, """
    """'null') || ',"chain":' || to_json(chain_key)::text || ',', """
    """',"entity":{"id":' || coalesce(entity_id::text, 'null') || ',"type":' || """
    """to_json(entity_type)::text || '},"persons":', """
    """',"prev":"' || prev_hash || '","request":' || coalesce(to_json(request_id)::text, """
    """'null') || ',"role":' || coalesce(to_json(actor_role)::text, 'null') || ',"seq":' || """
    f"""seq || ',"ts":"' || {HASHED_TS["postgresql"]} || '","v":1}}'"""
)
# Types of the columns as PostgreSQL's COPY hands them over.
_COPY_TYPES = ["int4", "int4", "text", "text", "text"]
_COLUMN_TYPES = ["text", "text", "text"]
# SQLite's rows in lists of a few hundred: lists of thousands of rows cost a third more per
# row to fetch (measured: the rows no longer stay in the processor's cache).
_FETCHED = 500
# PostgreSQL's ranges of sequence numbers per COPY: each is a statement of its own.
_COPY_RANGE = 5000
_COPY_SQL = " FROM audit_events WHERE chain_key = {} AND seq >= {} AND seq < {} ORDER BY seq"


def _copied_ranges(
    connection: Connection,
    driver: Any,
    chain_key: str,
    first: int,
    last: int,
    with_columns: bool,
) -> Iterator[ChainRange]:
    """PostgreSQL hands the rows over by COPY, faster than a cursor's batches, in ranges of
    sequence numbers. A connection in the middle of a COPY answers nothing else, so a range's
    detail and person rows are read first (by the ids its events span); its rows are then
    yielded as they arrive, so the database writes them while Python checks the ones before.
    Ranges without events (removed ones) are skipped.
    COPY takes no parameters, so the values are written in as literals, quoted by psycopg."""
    selected = f"SELECT {_VERIFIED}, {COLUMN_TEXTS}" if with_columns else f"SELECT {_VERIFIED}"
    types = _COPY_TYPES + _COLUMN_TYPES if with_columns else _COPY_TYPES
    start = first
    with driver.cursor() as cursor:
        while start <= last:
            stop = min(start + _COPY_RANGE, last + 1)
            low, high = _SPANNED_IDS.run(connection, (chain_key, start, stop) * 2).fetchone()
            if low is not None:
                details = detail_rows_between(connection, low, high)
                persons = persons_between(connection, low, high) if with_columns else {}
                # The selected texts hold braces: not part of the template.
                query = pg_sql.SQL("COPY ({}{}) TO STDOUT").format(
                    pg_sql.SQL(selected),
                    pg_sql.SQL(_COPY_SQL).format(*map(pg_sql.Literal, (chain_key, start, stop))),
                )
                with cursor.copy(query) as copy:
                    copy.set_types(types)
                    try:
                        yield ChainRange(copy.rows(), details, persons)
                    finally:
                        # Leaving a COPY early cancels it, which aborts the transaction:
                        # what is still on its way is read (a range at most) and dropped.
                        for _block in copy:
                            pass
            start = stop


# The ids of a range's first and last event (ids ascend with seq in a chain). Not min/max
# of id: PostgreSQL would walk the id index from one end to find them.
_RANGE_END = "SELECT id FROM audit_events WHERE chain_key = ? AND seq >= ? AND seq < ? ORDER BY seq"
_SPANNED_IDS = DriverStatement(f"SELECT ({_RANGE_END} LIMIT 1), ({_RANGE_END} DESC LIMIT 1)")


def previous_hash(connection: Connection, chain_key: str, seq: int) -> str | None:
    row = connection.execute(
        select(events.c.hash).where(events.c.chain_key == chain_key, events.c.seq == seq)
    ).first()
    return row[0] if row else None


_DETAILS_BETWEEN = DriverStatement(
    "SELECT event_id, path, person_id, value, salt FROM audit_details "
    "WHERE event_id BETWEEN ? AND ?"
)


def detail_rows_between(
    connection: Connection, first_id: int, last_id: int
) -> dict[int, list[tuple[str, int | None, str | None, str | None]]]:
    """``(path, person_id, value, salt)`` of the detail rows of the events with ids in a
    range, by event id: a chain read in order has its ids ascending, so one range scan
    replaces long ``IN`` lists (other chains' rows are harmless extras). On the driver:
    verification asks this once per few hundred events."""
    low, high = min(first_id, last_id), max(first_id, last_id)
    found: dict[int, list[tuple[str, int | None, str | None, str | None]]] = {}
    for event_id, *detail in _DETAILS_BETWEEN.run(connection, (low, high)).fetchall():
        found.setdefault(event_id, []).append(tuple(detail))
    return found


# Each event's person rows as the compact JSON array the hashed text writes (``[2,5]``),
# put together by the database: a row per person and its text in Python cost about a tenth
# of a PostgreSQL verification.
_PERSONS_BETWEEN = {
    "postgresql": DriverStatement(
        "SELECT event_id, '[' || string_agg(person_id::text, ',' ORDER BY person_id) || ']' "
        "FROM audit_event_persons WHERE event_id BETWEEN ? AND ? GROUP BY event_id"
    ),
    "sqlite": DriverStatement(
        "SELECT event_id, '[' || group_concat(person_id, ',') || ']' FROM ("
        "SELECT event_id, person_id FROM audit_event_persons WHERE event_id BETWEEN ? AND ? "
        "ORDER BY event_id, person_id) GROUP BY event_id"
    ),
}


def persons_between(connection: Connection, first_id: int, last_id: int) -> dict[int, str]:
    """The person rows of the events with ids in a range, by event id, each as the compact
    JSON array the hashed text writes (``[2,5]``); like ``detail_rows_between``, one range
    scan per few thousand events."""
    low, high = min(first_id, last_id), max(first_id, last_id)
    statement = _PERSONS_BETWEEN[connection.dialect.name]
    return dict(statement.run(connection, (low, high)).fetchall())


def erasures(connection: Connection, chain_key: str) -> dict[int, int]:
    """Each person a ``person.erase`` event of the chain names, with its last such seq."""
    rows = connection.execute(
        select(events.c.entity_id, func.max(events.c.seq))
        .where(
            events.c.chain_key == chain_key,
            events.c.action == ERASE,
            events.c.entity_type == "person",
            events.c.entity_id.is_not(None),
        )
        .group_by(events.c.entity_id)
    )
    return {int(person): int(seq) for person, seq in rows}


def login_persons(connection: Connection, chain_key: str) -> dict[int, int]:
    """The person of each login, as its hashed ``user.create`` event names it (a login's
    person never changes): whose comments a login wrote, said by the chain itself."""
    found: dict[int, int] = {}
    for user_id, payload in connection.execute(
        select(events.c.entity_id, events.c.payload).where(
            events.c.chain_key == chain_key,
            events.c.action == "user.create",
            events.c.entity_type == "user",
        )
    ):
        persons = orjson.loads(payload).get("persons")
        if user_id is not None and isinstance(persons, list) and len(persons) == 1:
            found[int(user_id)] = persons[0]
    return found


def cleared_details(
    connection: Connection, chain_key: str, from_seq: int | None, to_seq: int | None
) -> list[tuple[int, str, int | None, str]]:
    """``(seq, path, person_id, payload)`` of every detail of the chain whose value is
    gone."""
    query = (
        select(events.c.seq, details.c.path, details.c.person_id, events.c.payload)
        .join(events, events.c.id == details.c.event_id)
        .where(
            events.c.chain_key == chain_key,
            details.c.value.is_(None),
        )
        .order_by(events.c.seq, details.c.path)
    )
    if from_seq is not None:
        query = query.where(events.c.seq >= from_seq)
    if to_seq is not None:
        query = query.where(events.c.seq <= to_seq)
    return [
        (int(seq), str(path), person, str(payload))
        for seq, path, person, payload in connection.execute(query)
    ]


def chain_keys(connection: Connection) -> list[str]:
    """Every chain, in one order: whoever locks several chains locks them in this order."""
    return list(
        connection.execute(
            select(events.c.chain_key).distinct().order_by(events.c.chain_key)
        ).scalars()
    )


def person_of_user(connection: Connection, user_id: int) -> int | None:
    row = connection.execute(
        text("SELECT person_id FROM users WHERE id = :id"), {"id": user_id}
    ).first()
    return row[0] if row else None


def event_at(connection: Connection, chain_key: str, seq: int) -> Any:
    """The event ``seq`` of a chain: its id, seq, ts and hash (or None)."""
    return connection.execute(
        select(events.c.id, events.c.seq, events.c.ts, events.c.hash).where(
            events.c.chain_key == chain_key, events.c.seq == seq
        )
    ).first()


def head(connection: Connection, chain_key: str) -> Any:
    return connection.execute(
        select(events.c.seq, events.c.ts, events.c.hash)
        .where(events.c.chain_key == chain_key)
        .order_by(events.c.seq.desc())
        .limit(1)
    ).first()


def last_seq(connection: Connection, chain_key: str, up_to: int | None = None) -> int | None:
    """The chain's last sequence number, or its last one up to ``up_to``."""
    query = select(func.max(events.c.seq)).where(events.c.chain_key == chain_key)
    if up_to is not None:
        query = query.where(events.c.seq <= up_to)
    found: int | None = connection.execute(query).scalar()
    return found


def first_seq(connection: Connection, chain_key: str) -> int | None:
    return connection.execute(
        select(events.c.seq).where(events.c.chain_key == chain_key).order_by(events.c.seq).limit(1)
    ).scalar()
