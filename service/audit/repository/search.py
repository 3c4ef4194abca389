"""The trail's search: filters, newest first, keyset pages; readable values beside digests.

The order is ``(ts, id)`` descending, so a page is found by an index range scan on
``(actor_id, ts)``, ``(entity_type, entity_id, ts)`` or ``ts`` and page 20 costs what page 1
costs. Exports walk the same pages in batches (``service.audit.trail``), which keeps their
memory constant.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.engine import Connection

from service.audit.repository.chain import details, event_persons, events
from service.audit.search import Filters, FoundEvent, Position, reveal
from service.auth.models import User

users = User.__table__  # type: ignore[attr-defined]


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
# The page's detail and person rows, by the ids of its events. Plain SQL with one marker
# per id, written once per page size and driver: an expanding IN of SQLAlchemy renders the
# statement anew on every call, which cost more than the two queries themselves.
_DETAILS = "SELECT event_id, path, value FROM audit_details WHERE event_id IN ({})"
_PERSONS = (
    "SELECT event_id, person_id FROM audit_event_persons WHERE event_id IN ({}) ORDER BY person_id"
)
_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": ":{}"}


@lru_cache(maxsize=64)
def _by_ids(template: str, paramstyle: str, count: int) -> str:
    marker = _MARKERS[paramstyle]
    return template.format(", ".join(marker.format(i + 1) for i in range(count)))


@lru_cache(maxsize=256)
def _statement(shape: frozenset[str], paged: bool) -> Select[Any]:
    """One statement per combination of filters, built once: SQLAlchemy then finds its
    compiled form in the cache instead of building and compiling a query per page."""
    query = (
        select(events, users.c.username)
        .outerjoin(users, users.c.id == events.c.actor_id)
        .where(events.c.chain_key == bindparam("chain_key"))
    )
    for name in sorted(shape):
        query = query.where(_CONDITIONS[name])
    if paged:
        query = query.where(_AFTER)
    return query.order_by(events.c.ts.desc(), events.c.id.desc()).limit(bindparam("limit"))


def page(
    connection: Connection, chain_key: str, filters: Filters, after: Position | None, limit: int
) -> list[FoundEvent]:
    """A page of one body's chain: a body's readers see no other body's events."""
    params: dict[str, Any] = {k: v for k, v in vars(filters).items() if v is not None}
    if "text" in params:
        params["text"] = f"%{_escape_like(params['text'].lower())}%"
    params["limit"] = limit
    if after is not None:
        params["after_ts"], params["after_id"] = after.ts, after.id
    shape = frozenset(params) - {"limit", "after_ts", "after_id"}
    params["chain_key"] = chain_key
    rows = connection.execute(_statement(shape, after is not None), params).all()
    return readable(connection, rows)


def readable(connection: Connection, rows: Sequence[Any]) -> list[FoundEvent]:
    """Events with every digest replaced by its readable value, or ``[gelöscht]``."""
    ids = [row[0] for row in rows]
    values: dict[int, dict[str, str | None]] = {}
    persons: dict[int, list[int]] = {}
    if ids:
        style, bound = connection.dialect.paramstyle, tuple(ids)
        for event_id, path, value in connection.exec_driver_sql(
            _by_ids(_DETAILS, style, len(ids)), bound
        ).all():
            values.setdefault(event_id, {})[path] = value
        for event_id, person_id in connection.exec_driver_sql(
            _by_ids(_PERSONS, style, len(ids)), bound
        ).all():
            persons.setdefault(event_id, []).append(person_id)
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
                key: [reveal(v, f"changes.{key}.{i}", known) for i, v in enumerate(pair)]
                for key, pair in changes.items()
            }
            context = {key: reveal(v, f"context.{key}", known) for key, v in context.items()}
            comment = reveal(comment, "comment", known)
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
