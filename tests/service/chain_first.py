"""Whether a write asks for the chain lock before it touches anything (PostgreSQL).

The documented lock order is the chain lock first: a write that changed a row (or locked a
table) and then waited for the chain would hold that lock while the chain's holder, wanting
the same row or table, waits for it; PostgreSQL then ends one of them as a deadlock. These
helpers let a second connection hold the chain lock, start the write in a thread and look
at what it did before it asked for the lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from service.audit.repository import lock_chain
from service.audit.verify import verify_chain
from service.driver import DriverStatement
from service.runtime import Runtime

LOCK_STATEMENT = "pg_advisory_xact_lock"
CHANGES = ("INSERT", "UPDATE", "DELETE", "ALTER", "DROP", "CREATE")


@dataclass(frozen=True)
class Waiting:
    """What a write had done by the moment it asked for the chain lock held elsewhere."""

    statements: tuple[str, ...]
    probe: bool  # the probe's answer while the write waited

    @property
    def changes(self) -> list[str]:
        """Its statements that change rows or tables (reads take no lock)."""
        return [s for s in self.statements if s.lstrip().split(None, 1)[0].upper() in CHANGES]


def row_is_free(runtime: Runtime, table: str, row_id: int) -> bool:
    """Whether another transaction can lock the row at once (it is not waited for)."""
    return _at_once(runtime, f"SELECT id FROM {table} WHERE id = {int(row_id)} FOR UPDATE NOWAIT")


def table_is_free(runtime: Runtime, table: str) -> bool:
    """Whether another transaction can read the table at once (no one holds it exclusively)."""
    return _at_once(runtime, f"LOCK TABLE {table} IN ACCESS SHARE MODE NOWAIT")


def _at_once(runtime: Runtime, statement: str) -> bool:
    with runtime.engine.connect() as probe, probe.begin():
        try:
            probe.execute(text(statement))
        except OperationalError:
            return False
    return True


Spy = Callable[[Connection, Any, str], None]


@contextmanager
def watching_statements(target: Any, spy: Spy) -> Iterator[None]:
    """Calls ``spy(connection, cursor, statement)`` before every statement on ``target`` (an
    engine, or the Engine class for all), those SQLAlchemy runs and those the hot path runs
    on the driver itself (``service.driver``)."""
    event.listen(target, "before_cursor_execute", spy)
    run_on_driver = DriverStatement.run

    def spied_run(statement: DriverStatement, connection: Connection, params: Any) -> Any:
        if target is Engine or connection.engine is target:
            spy(connection, None, statement.postgresql)
        return run_on_driver(statement, connection, params)

    DriverStatement.run = spied_run  # type: ignore[method-assign]
    try:
        yield
    finally:
        DriverStatement.run = run_on_driver  # type: ignore[method-assign]
        event.remove(target, "before_cursor_execute", spy)


def while_chain_held(
    runtime: Runtime, act: Callable[[], object], probe: Callable[[], bool] = lambda: True
) -> Waiting:
    """Runs ``act`` in a thread while this thread holds the chain lock; when it asks for the
    lock, asks ``probe``, then lets it finish (it must succeed) and checks the chain."""
    asks_for_chain = threading.Event()
    writer: dict[str, Any] = {}
    before: list[str] = []

    def spy(_c: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is not writer.get("thread") or asks_for_chain.is_set():
            return
        if LOCK_STATEMENT in statement:
            asks_for_chain.set()
        else:
            before.append(statement)

    def run() -> None:
        try:
            act()
        except BaseException as exc:  # reported below, in the test's thread
            writer["error"] = exc

    # On the class: retention runs on an engine of its own (the owner connection).
    with watching_statements(Engine, spy):
        with runtime.write() as holder:
            lock_chain(holder, runtime.chain_key)  # another writer holds the chain
            thread = threading.Thread(target=run)
            writer["thread"] = thread
            thread.start()
            assert asks_for_chain.wait(timeout=10), "the write never asked for the chain lock"
            answer = probe()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the write hangs after the chain lock was released"
    assert "error" not in writer, writer.get("error")
    with runtime.read() as c:
        assert verify_chain(c, runtime.chain_key).intact
    return Waiting(tuple(before), answer)
