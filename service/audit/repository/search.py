"""The trail's search: filters, newest first, keyset pages; readable values beside digests.

The order is ``(ts, id)`` descending, so a page is found by an index range scan on
``(actor_id, ts)``, ``(entity_type, entity_id, ts)`` or ``ts`` and page 20 costs what page 1
costs. Exports walk the same pages in batches (``service.audit.trail``), which keeps their
memory constant.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

import orjson
from sqlalchemy import Engine, Select, and_, bindparam, exists, func, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Text

from service.audit.repository.chain import details, event_persons, events
from service.audit.search import Filters, FoundEvent, Position, reveal
from service.auth.models import User
from service.db import UNICODE_LOWER
from service.driver import CompiledStatement, DriverStatement, time_result, time_value

users = User.__table__  # type: ignore[attr-defined]
log = logging.getLogger("ratsflow.audit")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _UnicodeLower(FunctionElement[str]):
    """``lower()`` that folds every letter, as Python's ``str.lower`` does the term: on
    SQLite the function ``service.db`` registers on each connection, on PostgreSQL its own
    (under a collation that folds where the database's does not, ``_folding_collation``)."""

    type = Text()
    inherit_cache = True


@compiles(_UnicodeLower)
def _lower_default(element: _UnicodeLower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(_UnicodeLower, "sqlite")
def _lower_sqlite(element: _UnicodeLower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{UNICODE_LOWER}({compiler.process(element.clauses, **kw)})"


# PostgreSQL's lower() folds by the collation's LC_CTYPE: in a database created with
# LC_CTYPE 'C' it changes only A-Z, and „Überprüfung“ never matched „überprüfung“. Where the
# database's own lower() folds letters beyond A-Z as Python does, the search uses it: it
# costs least. Elsewhere it folds under the first of these collations the server has and
# that folds so: ICU's root locale (servers built with ICU, as Debian's), PostgreSQL 17's
# built-in C.UTF-8, the C library's C.UTF-8. ICU's lower() cost about 0.5 µs more a comment
# than the C library's (docs/skalierung.md).
FOLDING_COLLATIONS = ("und-x-icu", "pg_c_utf8", "C.utf8", "C.UTF-8")
_PROBE = "ÄÖÜÉŁ"  # capitals beyond A-Z, which Python folds to äöüéł
_FOUND_COLLATIONS = text(
    "SELECT collname FROM pg_collation WHERE collname = ANY(:names) "
    "AND collencoding IN (-1, pg_char_to_encoding(getdatabaseencoding()))"
)
_FOLDING: WeakKeyDictionary[Engine, str | None] = WeakKeyDictionary()


def _folding_collation(connection: Connection) -> str | None:
    """The collation the search folds text under, looked up once per engine: None on
    SQLite (its registered function folds as Python does) and where the database's own
    lower() folds so, else one of ``FOLDING_COLLATIONS``."""
    if connection.dialect.name != "postgresql":
        return None
    engine = connection.engine
    if engine not in _FOLDING:
        _FOLDING[engine] = _chosen_collation(connection)
    return _FOLDING[engine]


def _folds(connection: Connection, collation: str | None) -> bool:
    under = "" if collation is None else f' COLLATE "{collation}"'
    folded = connection.execute(
        text(f"SELECT lower(CAST(:probe AS text){under})"), {"probe": _PROBE}
    ).scalar_one()
    return bool(folded == _PROBE.lower())


def _chosen_collation(connection: Connection) -> str | None:
    if _folds(connection, None):
        return None
    offered = set(
        connection.execute(_FOUND_COLLATIONS, {"names": list(FOLDING_COLLATIONS)}).scalars()
    )
    for name in FOLDING_COLLATIONS:
        if name in offered and _folds(connection, name):
            return name
    log.warning(
        "PostgreSQL faltet Buchstaben jenseits von A-Z weder mit dem LC_CTYPE der Datenbank "
        "noch unter einer der Kollationen %s: die Protokollsuche unterscheidet dort Groß- "
        "und Kleinschreibung.",
        ", ".join(FOLDING_COLLATIONS),
    )
    return None


def _folded_text(collation: str | None) -> Any:
    """The comment filter for a term with letters beyond A-Z (Ü, ß), folded in Python: on
    SQLite by the function that folds as Python does (it costs about four times the
    built-in, so only for such terms), on PostgreSQL under ``collation`` where it is named."""
    value = details.c.value if collation is None else details.c.value.collate(collation)
    return exists().where(
        details.c.event_id == events.c.id,
        details.c.path == "comment",
        _UnicodeLower(value).like(bindparam("text_folded"), escape="\\"),
    )


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
# The page's detail and person rows, by the ids of its events (``DriverStatement.for_ids``).
_DETAILS = "SELECT event_id, path, value FROM audit_details WHERE event_id IN ({})"
_PERSONS = (
    "SELECT event_id, person_id FROM audit_event_persons WHERE event_id IN ({}) ORDER BY person_id"
)


# What a found event shows: not the chain key (the caller's) nor the forerunner's hash.
_PAGE_COLUMNS = (
    events.c.id,
    events.c.seq,
    events.c.ts,
    events.c.actor_id,
    events.c.actor_role,
    events.c.action,
    events.c.entity_type,
    events.c.entity_id,
    events.c.request_id,
    events.c.payload,
    events.c.hash,
)


@lru_cache(maxsize=256)
def _statement(shape: frozenset[str], paged: bool, collation: str | None) -> Select[Any]:
    """One statement per combination of filters, built once: SQLAlchemy then finds its
    compiled form in the cache instead of building and compiling a query per page."""
    query = (
        select(*_PAGE_COLUMNS, users.c.username)
        .outerjoin(users, users.c.id == events.c.actor_id)
        .where(events.c.chain_key == bindparam("chain_key"))
    )
    for name in sorted(shape):
        folded = name == "text_folded"
        query = query.where(_folded_text(collation) if folded else _CONDITIONS[name])
    if paged:
        query = query.where(_AFTER)
    return query.order_by(events.c.ts.desc(), events.c.id.desc()).limit(bindparam("limit"))


# The page's statement compiled once per filter shape and database: SQLAlchemy's execution
# cost more than the query itself on SQLite.
_COMPILED: dict[tuple[frozenset[str], bool, str, str | None], CompiledStatement] = {}
_TIMES = ("since", "until", "after_ts")


def _compiled(connection: Connection, shape: frozenset[str], paged: bool) -> CompiledStatement:
    collation = _folding_collation(connection) if "text_folded" in shape else None
    key = (shape, paged, connection.dialect.name, collation)
    found = _COMPILED.get(key)
    if found is None:
        statement = _statement(shape, paged, collation)
        found = _COMPILED[key] = CompiledStatement.of(statement, connection.dialect)
    return found


def page(
    connection: Connection, chain_key: str, filters: Filters, after: Position | None, limit: int
) -> list[FoundEvent]:
    """A page of one body's chain: a body's readers see no other body's events."""
    params: dict[str, Any] = {k: v for k, v in vars(filters).items() if v is not None}
    if "text" in params:
        term = params.pop("text")
        params["text" if term.isascii() else "text_folded"] = f"%{_escape_like(term.lower())}%"
    params["limit"] = limit
    if after is not None:
        params["after_ts"], params["after_id"] = after.ts, after.id
    shape = frozenset(params) - {"limit", "after_ts", "after_id"}
    params["chain_key"] = chain_key
    for name in _TIMES:
        if name in params:
            params[name] = time_value(connection, params[name])
    rows = _compiled(connection, shape, after is not None).run(connection, params).fetchall()
    return readable(connection, chain_key, rows)


def readable(connection: Connection, chain_key: str, rows: Sequence[Any]) -> list[FoundEvent]:
    """Events with every digest replaced by its readable value, or ``[gelöscht]``.

    ``rows``: the ``_PAGE_COLUMNS`` of each event, then the actor's user name."""
    ids = [row[0] for row in rows]
    values: dict[int, dict[str, str | None]] = {}
    persons: dict[int, list[int]] = {}
    if ids:
        bound = tuple(ids)
        for event_id, path, value in (
            DriverStatement.for_ids(_DETAILS, len(ids)).run(connection, bound).fetchall()
        ):
            values.setdefault(event_id, {})[path] = value
        for event_id, person_id in (
            DriverStatement.for_ids(_PERSONS, len(ids)).run(connection, bound).fetchall()
        ):
            persons.setdefault(event_id, []).append(person_id)
    found = []
    # Unpacked by position: attribute access on result rows costs more than the JSON.
    for (
        event_id,
        seq,
        ts,
        actor_id,
        role,
        action,
        entity_type,
        entity_id,
        request_id,
        payload,
        own_hash,
        username,
    ) in rows:
        document = orjson.loads(payload)
        changes = document.get("changes", {})
        context = document.get("context", {})
        comment = document.get("comment")
        known = values.get(event_id)
        if known:  # only events with detail rows hold digests to put readable values in
            comment = reveal(comment, "comment", known)
            # Most such events hold only a comment's row: their changes and context are
            # rebuilt (a path and a look-up per value) only when rows name paths in them.
            if len(known) > 1 or "comment" not in known:
                changes = {
                    key: [reveal(v, f"changes.{key}.{i}", known) for i, v in enumerate(pair)]
                    for key, pair in changes.items()
                }
                context = {key: reveal(v, f"context.{key}", known) for key, v in context.items()}
        found.append(
            FoundEvent(
                event_id,
                chain_key,
                seq,
                time_result(ts),
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
