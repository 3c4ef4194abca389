"""Searching the trail: filters, newest first, keyset pages; readable values beside digests.

The order is ``(ts, id)`` descending, so a page is found by an index range scan on
``(actor_id, ts)``, ``(entity_type, entity_id, ts)`` or ``ts`` and page 20 costs what page 1
costs. Exports walk the same pages in batches, which keeps their memory constant.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.engine import Connection

from service.audit.chain import DIGEST_PREFIX
from service.audit.models import AuditDetail, AuditEvent, AuditEventPerson
from service.auth.models import User

events = AuditEvent.__table__  # type: ignore[attr-defined]
details = AuditDetail.__table__  # type: ignore[attr-defined]
event_persons = AuditEventPerson.__table__  # type: ignore[attr-defined]
users = User.__table__  # type: ignore[attr-defined]

ERASED = "[gelöscht]"


@dataclass(frozen=True)
class Filters:
    """What the Datenschutzbeauftragte asks for; every field narrows, none is required."""

    actor_id: int | None = None
    person_id: int | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None

    def given(self) -> dict[str, Any]:
        """The filters as stated, for the query's own audit event."""
        return {
            k: (v.isoformat() if isinstance(v, datetime) else v)
            for k, v in asdict(self).items()
            if v is not None
        }


@dataclass(frozen=True)
class Position:
    """Keyset position: the last event of the previous page."""

    ts: datetime
    id: int


@dataclass(frozen=True)
class FoundEvent:
    id: int
    chain_key: str
    seq: int
    ts: datetime
    actor_id: int | None
    actor: str | None
    role: str | None
    action: str
    entity_type: str
    entity_id: int | None
    persons: list[int]
    changes: dict[str, Any]
    context: dict[str, Any]
    comment: str | None
    request_id: str | None
    hash: str


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Which filter narrows, and how; values travel as bound parameters of the same name.
_CONDITIONS: dict[str, Any] = {
    "actor_id": events.c.actor_id == bindparam("actor_id"),
    "person_id": exists().where(
        event_persons.c.event_id == events.c.id,
        event_persons.c.person_id == bindparam("person_id"),
    ),
    "entity_type": events.c.entity_type == bindparam("entity_type"),
    "entity_id": events.c.entity_id == bindparam("entity_id"),
    "action": events.c.action == bindparam("action"),
    "since": events.c.ts >= bindparam("since", type_=events.c.ts.type),
    "until": events.c.ts < bindparam("until", type_=events.c.ts.type),
    "text": exists().where(
        details.c.event_id == events.c.id,
        details.c.path == "comment",
        func.lower(details.c.value).like(bindparam("text"), escape="\\"),
    ),
}
_AFTER = or_(
    events.c.ts < bindparam("after_ts", type_=events.c.ts.type),
    and_(
        events.c.ts == bindparam("after_ts", type_=events.c.ts.type),
        events.c.id < bindparam("after_id"),
    ),
)
_DETAILS = select(details.c.event_id, details.c.path, details.c.value).where(
    details.c.event_id.in_(bindparam("ids", expanding=True))
)
_PERSONS = (
    select(event_persons.c.event_id, event_persons.c.person_id)
    .where(event_persons.c.event_id.in_(bindparam("ids", expanding=True)))
    .order_by(event_persons.c.person_id)
)


@lru_cache(maxsize=256)
def _statement(shape: frozenset[str], paged: bool) -> Select[Any]:
    """One statement per combination of filters, built once: SQLAlchemy then finds its
    compiled form in the cache instead of building and compiling a query per page."""
    query = select(events, users.c.username).outerjoin(users, users.c.id == events.c.actor_id)
    for name in sorted(shape):
        query = query.where(_CONDITIONS[name])
    if paged:
        query = query.where(_AFTER)
    return query.order_by(events.c.ts.desc(), events.c.id.desc()).limit(bindparam("limit"))


def page(
    connection: Connection, filters: Filters, after: Position | None, limit: int
) -> list[FoundEvent]:
    params: dict[str, Any] = {k: v for k, v in vars(filters).items() if v is not None}
    if "text" in params:
        params["text"] = f"%{_escape_like(params['text'].lower())}%"
    params["limit"] = limit
    if after is not None:
        params["after_ts"], params["after_id"] = after.ts, after.id
    shape = frozenset(params) - {"limit", "after_ts", "after_id"}
    rows = list(connection.execute(_statement(shape, after is not None), params))
    return readable(connection, rows)


def walk(
    connection_for_batch: Any,
    filters: Filters,
    after: Position | None = None,
    batch: int = 1000,
) -> Iterator[FoundEvent]:
    """Every matching event, newest first, one short read transaction per batch.

    ``connection_for_batch`` is a context manager factory (``runtime.read``): a stream that
    a slow client reads for minutes holds no transaction open in between.
    """
    while True:
        with connection_for_batch() as connection:
            found = page(connection, filters, after, batch)
        yield from found
        if len(found) < batch:
            return
        after = Position(found[-1].ts, found[-1].id)


def readable(connection: Connection, rows: list[Any]) -> list[FoundEvent]:
    """Events with every digest replaced by its readable value, or ``[gelöscht]``."""
    ids = [row[0] for row in rows]
    values: dict[int, dict[str, str | None]] = {}
    persons: dict[int, list[int]] = {}
    if ids:
        for d in connection.execute(_DETAILS, {"ids": ids}):
            values.setdefault(d.event_id, {})[d.path] = d.value
        for p in connection.execute(_PERSONS, {"ids": ids}):
            persons.setdefault(p.event_id, []).append(p.person_id)
    found = []
    # Unpacked by position: attribute access on result rows costs more than the JSON.
    for (
        event_id,
        chain_key,
        seq,
        ts,
        actor_id,
        role,
        action,
        entity_type,
        entity_id,
        request_id,
        payload,
        _,
        own_hash,
        username,
    ) in rows:
        document = json.loads(payload)
        changes = document.get("changes", {})
        context = document.get("context", {})
        comment = document.get("comment")
        known = values.get(event_id)
        if known:  # only events with detail rows hold digests to put readable values in
            changes = {
                key: [_reveal(v, f"changes.{key}.{i}", known) for i, v in enumerate(pair)]
                for key, pair in changes.items()
            }
            context = {key: _reveal(v, f"context.{key}", known) for key, v in context.items()}
            comment = _reveal(comment, "comment", known)
        found.append(
            FoundEvent(
                event_id,
                chain_key,
                seq,
                ts,
                actor_id,
                username,
                role,
                action,
                entity_type,
                entity_id,
                persons.get(event_id, []),
                changes,
                context,
                comment,
                request_id,
                own_hash,
            )
        )
    return found


def _reveal(value: Any, path: str, known: dict[str, str | None]) -> Any:
    if not (isinstance(value, str) and value.startswith(DIGEST_PREFIX)):
        return value
    if path not in known:
        return value
    text = known[path]
    if text is None:
        return ERASED
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    # Structured values were stored as canonical JSON; plain strings as themselves.
    return parsed if isinstance(parsed, dict | list) else text
