"""Engines and transactions for SQLite (embedded default) and PostgreSQL.

SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` for writing transactions: a deferred
``BEGIN`` would take the write lock only at the first write and then fail with "database is
locked" under concurrent writers. Read-only work asks for a plain deferred transaction.
After an erasure the files are cleaned of what deleted rows left in them (VACUUM).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.types import TypeDecorator

READ_ONLY = "ratsflow_read_only"


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite keeps no zone, so a naive value read back is UTC by construction; a naive value
    handed in is a bug (local time or UTC?) and is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; ratsflow stores UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


# FastAPI runs sync routes on a pool of 40 threads, each holding at most one connection at a
# time: the pool lets all of them work instead of timing out behind 15 (the default).
POOL = {"pool_size": 20, "max_overflow": 30}


def make_engine(url: str, **kwargs: Any) -> Engine:
    kwargs = {**POOL, **kwargs}
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


# A pooled connection unused for this long is tested before it is handed out; one used
# more recently is handed out as it is. ``pool_pre_ping`` tests every checkout, which cost
# a round trip per transaction (two per API request) on the busiest path.
IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _handed_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < IDLE_PING_SECONDS:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as exc:
            # The pool drops this connection and hands out a fresh one (SQLAlchemy's
            # documented way of a custom pessimistic check).
            raise DisconnectionError() from exc


# SQLite has one writer at a time. The writers of this process queue on a lock of their own
# before ``BEGIN IMMEDIATE``: a writer waiting in SQLite's busy handler sleeps in growing
# steps (up to 100 ms) and so starts late, long after the lock was free; this lock hands it
# over the moment the last writer has committed. Writers in other processes (the CLI) still
# wait in the busy handler. Not owned by a thread: FastAPI enters a dependency's transaction
# in one worker thread and leaves it in another.
WRITER_WAIT_SECONDS = 30.0


class _WriterTurn:
    """A SQLite engine's writers: the lock they queue on and the connection the holder of the
    turn writes on, kept between turns. Checking a connection out of the pool and back in
    (its reset included) cost twice the BEGIN and COMMIT of the transaction itself
    (measured: 83 against 28 µs a transaction, 7 µs on the bare driver). Only the holder of
    the lock touches the connection. It stays open until the engine is disposed, as every
    owner of an engine here does: a connection checked out keeps its engine alive
    (SQLAlchemy's finalizer of the checkout holds the pool, which holds the engine), so an
    engine dropped without ``dispose()`` would keep its file open. Kept on the engine
    itself: it holds the engine, which a weak mapping from engines could not let go of."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.current: Connection | None = None

    def take(self) -> Connection:
        current = self.current
        if current is None or current.closed or current.invalidated:
            if current is not None:
                current.close()  # an invalidated connection goes back to be discarded
            current = self.current = self.engine.connect()
        elif current.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            # What the pool's reset on return did: no turn starts inside a transaction a
            # failed one left open on the driver.
            current.connection.dbapi_connection.rollback()  # type: ignore[union-attr]
        return current

    def drop(self) -> None:
        current, self.current = self.current, None
        if current is not None:
            _close_file(current)


def _close_file(connection: Connection) -> None:
    """Closes the connection's file now: closing only would put it back into the pool it
    came from, which ``dispose()`` has already replaced."""
    if not connection.closed:
        connection.invalidate()
        connection.close()


_WRITER_TURN = "_ratsflow_writer_turn"


def _writer_turn(engine: Engine) -> _WriterTurn | None:
    turn: _WriterTurn | None = getattr(engine, _WRITER_TURN, None)
    return turn


def writer_lock(engine: Engine) -> threading.Lock | None:
    """The lock this process's writers of a SQLite database queue on; None on PostgreSQL."""
    turn = _writer_turn(engine)
    return None if turn is None else turn.lock


UNICODE_LOWER = "unicode_lower"


def _unicode_lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def _configure_sqlite(engine: Engine) -> None:
    turn = _WriterTurn(engine)
    setattr(engine, _WRITER_TURN, turn)

    @event.listens_for(engine, "engine_disposed")
    def _on_dispose(_disposed: Engine) -> None:
        # The pool is new; the kept connection belonged to the old one. Closed now if no
        # writer holds the turn, else by the writer when its turn ends.
        if turn.lock.acquire(blocking=False):
            try:
                turn.drop()
            finally:
                turn.lock.release()
        else:
            turn.current = None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
        # SQLite's own lower() changes only A-Z, so "Übergabe" never matched a lower-cased
        # term; PostgreSQL's lower() folds by the database's Unicode locale.
        dbapi_connection.create_function(UNICODE_LOWER, 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        driver: Any = connection.connection.dbapi_connection
        if driver.in_transaction:  # a writer's turn began it on the driver
            return
        mode = "DEFERRED" if connection.get_execution_options().get(READ_ONLY) else "IMMEDIATE"
        # On the driver: a statement through SQLAlchemy cost more than the BEGIN itself.
        driver.execute(f"BEGIN {mode}")


def conflict_insert(connection: Connection, table: Table) -> Any:
    """An INSERT that can say ``ON CONFLICT`` (``on_conflict_do_update``/``_do_nothing``), in
    the connection's database's own form: both know the clause, SQLAlchemy's core does not."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def write_transaction(engine: Engine) -> AbstractContextManager[Connection]:
    """One unit of work: commits at the end, rolls back on any error. What was registered
    with ``after_commit`` runs once the COMMIT has succeeded."""
    turn = _writer_turn(engine)
    if turn is None:
        return _connected_transaction(engine)
    return _TurnTransaction(turn)


@contextmanager
def _connected_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        yield from _committed(connection)


class _TurnTransaction:
    """A writer's turn on SQLite: ``BEGIN IMMEDIATE`` and ``COMMIT`` on the driver, without
    SQLAlchemy's transaction objects and events, which cost more Python than the two
    statements on a transition's path (most of its statements run on the driver too). A
    statement through SQLAlchemy inside still begins SQLAlchemy's transaction (its
    ``begin`` event sees the driver's and issues no BEGIN); that one then commits or rolls
    back the driver's transaction with it. Errors of the two statements reach the caller as
    SQLAlchemy's, as they did through its ``begin`` event. A class rather than a generator:
    the two generators it replaced cost as much as its BEGIN."""

    __slots__ = ("_connection", "_fallback", "_turn")

    def __init__(self, turn: _WriterTurn) -> None:
        self._turn = turn
        self._connection: Connection | None = None
        self._fallback: AbstractContextManager[Connection] | None = None

    def __enter__(self) -> Connection:
        turn = self._turn
        # After the wait SQLite's own busy handler decides, as it did before this lock.
        if not turn.lock.acquire(timeout=WRITER_WAIT_SECONDS):
            self._fallback = _connected_transaction(turn.engine)
            return self._fallback.__enter__()
        try:
            connection = self._connection = turn.take()
            connection.info[_AFTER_COMMIT] = []
            _on_driver(connection.connection.dbapi_connection, "BEGIN IMMEDIATE")
        except BaseException:
            self._end()
            raise
        return connection

    def __exit__(self, kind: type[BaseException] | None, error: object, trace: object) -> None:
        if self._fallback is not None:
            self._fallback.__exit__(kind, error, trace)  # type: ignore[arg-type]
            return
        connection = self._connection
        assert connection is not None
        try:
            if kind is not None:
                _roll_back(connection)
                return
            try:
                if connection.in_transaction():
                    connection.commit()
                else:
                    _on_driver(connection.connection.dbapi_connection, "COMMIT")
            except BaseException:
                # A COMMIT that failed (a deferred constraint, a full disk) leaves SQLite's
                # transaction open, and with it the write lock of the database.
                _roll_back(connection)
                raise
            actions = connection.info.pop(_AFTER_COMMIT, ())
        finally:
            self._end()
        for action in actions:
            action()

    def _end(self) -> None:
        turn, connection = self._turn, self._connection
        try:
            if connection is not None and turn.current is not connection:
                _close_file(connection)  # the engine was disposed during the turn
        finally:
            turn.lock.release()


_AFTER_COMMIT = "ratsflow.after_commit"


def after_commit(connection: Connection, action: Callable[[], None]) -> None:
    """Runs ``action`` after the write transaction ``connection`` is in has committed, and
    never if it rolls back or its COMMIT fails. SQLAlchemy has no event for that: its
    ``commit`` event fires before the driver's COMMIT. Outside ``write_transaction`` the
    action is dropped."""
    connection.info.setdefault(_AFTER_COMMIT, []).append(action)


def _committed(connection: Connection) -> Iterator[Connection]:
    # A fresh list per transaction: one a failed transaction left behind is replaced here.
    actions: list[Callable[[], None]] = []
    connection.info[_AFTER_COMMIT] = actions
    with connection.begin():
        yield connection
    connection.info.pop(_AFTER_COMMIT, None)
    for action in actions:
        action()


def _roll_back(connection: Connection) -> None:
    # SQLAlchemy's transaction first, even one a failed COMMIT left inactive (the connection
    # refuses every statement until it is rolled back), then whatever the driver still holds.
    if connection.get_transaction() is not None:
        connection.rollback()
    if not connection.invalidated:
        driver: Any = connection.connection.dbapi_connection
        if driver.in_transaction:
            driver.rollback()


def _on_driver(driver: Any, statement: str) -> None:
    try:
        driver.execute(statement)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(statement, (), exc, sqlite3.Error) from exc


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        connection = connection.execution_options(**{READ_ONLY: True})
        with connection.begin():
            yield connection
