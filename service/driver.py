"""Statements on the database driver itself, inside the transaction SQLAlchemy opened.

For the few statements every write runs (a transition's row, deadline and history, the
audit chain's head and event): SQLAlchemy's execution (cache key, parameter processing,
result set-up) cost about 50 µs per statement on this kind of machine, ten times the
statement itself on SQLite. The SQL is written once, its values converted as the columns'
SQLAlchemy types would convert them (``UtcDateTime``, ``JSON``, ``Boolean``), so a row
written here reads back through SQLAlchemy exactly like one written there.

The connection stays SQLAlchemy's: its transaction, pool and commit events are unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast

import orjson
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


def dbapi(connection: Connection) -> Any:
    """The driver's own connection inside SQLAlchemy's open transaction: the one way in."""
    return connection.connection.dbapi_connection


_KEPT_CURSOR = "ratsflow.driver_cursor"


def _executor(connection: Connection) -> Any:
    """What runs a statement: on PostgreSQL one psycopg cursor kept with the driver's
    connection, since a new cursor per statement (``Connection.execute``) cost about 10 µs of
    set-up, as much as psycopg's own work for the statement. So a result must be read before
    the connection's next statement, which every caller does. SQLite's cursors cost nothing
    to make, and a kept one would hold its last statement, and with it a read, open."""
    driver = dbapi(connection)
    if connection.dialect.name != "postgresql":
        return driver
    info = connection.info
    kept = info.get(_KEPT_CURSOR)
    if kept is None or kept.connection is not driver or kept.closed:
        kept = info[_KEPT_CURSOR] = driver.cursor()
    return kept


class DriverStatement:
    """One SQL text for both drivers, written with ``?`` markers (``%s`` on PostgreSQL) and
    ``TRUE``/``FALSE`` literals, which SQLite knows too."""

    __slots__ = ("postgresql", "sqlite")

    def __init__(self, sql: str) -> None:
        if "%" in sql:
            raise ValueError("a literal % would be a marker for psycopg")
        self.sqlite = sql
        self.postgresql = sql.replace("?", "%s")

    @staticmethod
    @lru_cache(maxsize=128)
    def for_ids(template: str, count: int) -> DriverStatement:
        """``template`` with its ``{}`` replaced by ``count`` markers, for an ``IN`` list:
        SQLAlchemy's expanding ``IN`` renders the statement anew on every call."""
        return DriverStatement(template.format(", ".join("?" * count)))

    def run(self, connection: Connection, params: Sequence[Any]) -> Any:
        """The driver's cursor after executing (``fetchone``, ``rowcount``), to be read before
        the connection's next statement."""
        if connection.dialect.name == "postgresql":
            return _executor(connection).execute(self.postgresql, params)
        # SQLite's own connection executes (see ``_executor``), reached without a call more.
        return connection.connection.dbapi_connection.execute(self.sqlite, params)  # type: ignore[union-attr]

    def run_apart(self, connection: Connection, params: Sequence[Any]) -> Any:
        """As ``run``, on a cursor of its own: its ``rowcount`` can be read after later
        statements, in a pipeline after the block (see ``pipelined``)."""
        if connection.dialect.name == "postgresql":
            return dbapi(connection).execute(self.postgresql, params)
        return dbapi(connection).execute(self.sqlite, params)


def pipelined(connection: Connection) -> AbstractContextManager[Any]:
    """On PostgreSQL, the statements inside are sent without waiting for each answer and
    answered together at the end of the block (or when one of them is read): a transition's
    writes cost one round trip instead of one each. A failed one raises at the end of the block;
    the transaction is lost either way. Only driver statements belong inside, since
    SQLAlchemy reads a statement's columns before its answer has come. SQLite answers each
    statement at once and needs none of this: a context that does nothing, without the
    generator a ``contextmanager`` would cost on every transition."""
    if connection.dialect.name != "postgresql":
        return _NOTHING
    return cast(AbstractContextManager[Any], dbapi(connection).pipeline())


_NOTHING = nullcontext()


@dataclass(frozen=True)
class CompiledStatement:
    """A SQLAlchemy statement compiled once for a dialect and run on the driver, with its
    values given by name: for statements built from parts (a search's filters)."""

    sql: str
    # The markers' order (SQLite's ``?``); None where the driver takes values by name
    # (psycopg's ``%(name)s``).
    names: tuple[str, ...] | None
    # Values SQLAlchemy bound itself (SQLite's ``OFFSET 0`` after a ``LIMIT``).
    fixed: dict[str, Any]

    @classmethod
    def of(cls, statement: ClauseElement, dialect: Dialect) -> CompiledStatement:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        order = compiled.positiontup
        return cls(
            str(compiled),
            tuple(order) if order is not None else None,
            {k: v for k, v in compiled.params.items() if v is not None},
        )

    def run(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        given = {**self.fixed, **params}
        values = given if self.names is None else tuple(given[name] for name in self.names)
        return _executor(connection).execute(self.sql, values)


def time_value(connection: Connection, moment: datetime) -> Any:
    """As ``service.db.UtcDateTime`` binds it: aware only, UTC, SQLite's text format."""
    if connection.dialect.name != "sqlite":
        if moment.tzinfo is None:
            raise ValueError("naive datetime given; ratsflow stores UTC only")
        return moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    if moment.tzinfo is UTC:
        return _utc_text(moment)
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; ratsflow stores UTC only")
    return _utc_text(moment.astimezone(UTC))


# A transition writes the same moment six times (row, deadlines, history, audit event).
# Only UTC moments are kept: two local times of one zone compare equal across the autumn's
# repeated hour (their fold is ignored), though they are an hour apart.
@lru_cache(maxsize=64)
def _utc_text(utc: datetime) -> str:
    # Without "+00:00": cheaper than ``replace(tzinfo=None)``, which cost more than this.
    return utc.isoformat(" ", "microseconds")[:-6]


def time_result(value: Any) -> datetime:
    """As ``service.db.UtcDateTime`` reads it: an aware UTC datetime (SQLite keeps text)."""
    if isinstance(value, str):
        # Parsed with its zone in one step: a later ``replace(tzinfo=…)`` cost five times more.
        return datetime.fromisoformat(value + "+00:00")
    moment: datetime = value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def optional_time(connection: Connection, moment: datetime | None) -> Any:
    return None if moment is None else time_value(connection, moment)


def json_value(value: Any) -> str:
    """JSON text that SQLAlchemy's ``JSON`` reads back as the same value; PostgreSQL casts
    the text. Written by orjson, a tenth of the time of ``json.dumps`` (SQLAlchemy's): the
    text differs only where JSON leaves a choice (no blanks, UTF-8 instead of ``\\u``
    escapes), and nothing searches these columns as text. What orjson refuses (a key that is
    no text, an integer beyond 64 bits) is written by ``json.dumps`` as before. The values
    are the engine's (``workflow.values``), which refuses a number that is not finite: orjson
    would write it as null where ``json.dumps`` writes ``NaN``."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value)


def json_result(value: Any) -> Any:
    """SQLite hands JSON back as text; psycopg has already parsed it."""
    return json.loads(value) if isinstance(value, str) else value
