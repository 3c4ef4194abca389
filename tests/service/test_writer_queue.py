"""SQLite's writers of one process queue on a lock of the process (``service.db``) instead of
sleeping in SQLite's busy handler, which woke them up to 100 ms after the writer before them
had committed: under many clients that set the 95th percentile of a transition."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError

from service import db
from service.driver import dbapi


class Watched:
    """The writer lock, telling when someone asks for it."""

    def __init__(self, lock: Any) -> None:
        self.lock = lock
        self.asked = threading.Event()

    def acquire(self, *args: Any, **kwargs: Any) -> bool:
        self.asked.set()
        return bool(self.lock.acquire(*args, **kwargs))

    def release(self) -> None:
        self.lock.release()


def test_a_second_writer_waits_for_the_first_instead_of_finding_the_database_locked(
    tmp_path: Path,
) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'queue.db'}")

    @event.listens_for(engine, "connect")
    def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
        # Without the queue the second writer would meet SQLite's lock and fail at once.
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    with db.write_transaction(engine) as c:
        c.execute(text("CREATE TABLE steps (n INTEGER)"))
    lock = db.writer_lock(engine)
    assert lock is not None
    watched = Watched(lock)
    turn = db._writer_turn(engine)
    assert turn is not None
    turn.lock = watched  # type: ignore[assignment]
    second: dict[str, Any] = {}

    def write_second() -> None:
        try:
            with db.write_transaction(engine) as c:
                c.execute(text("INSERT INTO steps VALUES (2)"))
        except Exception as exc:  # reported in the test's thread
            second["error"] = exc

    try:
        with db.write_transaction(engine) as c:
            c.execute(text("INSERT INTO steps VALUES (1)"))
            watched.asked.clear()
            thread = threading.Thread(target=write_second)
            thread.start()
            assert watched.asked.wait(timeout=10), "the second writer never queued"
        thread.join(timeout=10)
        assert not thread.is_alive()
        assert "error" not in second, second.get("error")
        with engine.connect() as c:
            assert [n for (n,) in c.execute(text("SELECT n FROM steps ORDER BY rowid"))] == [1, 2]
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_postgresql_writers_do_not_queue_in_the_process(database_url: str) -> None:
    # Many writers of one PostgreSQL work at once; only the chain lock orders a body's.
    engine = db.make_engine(database_url)
    try:
        assert db.writer_lock(engine) is None
    finally:
        engine.dispose()


def test_a_transaction_begun_in_one_thread_may_end_in_another(tmp_path: Path) -> None:
    # FastAPI enters a dependency's unit of work in one worker thread and leaves it in
    # another; the writers' queue must let the second thread hand the turn on.
    engine = db.make_engine(f"sqlite:///{tmp_path / 'hops.db'}")
    unit = db.write_transaction(engine)
    try:
        connection = unit.__enter__()
        connection.execute(text("CREATE TABLE hops (n INTEGER)"))
        ended: dict[str, Any] = {}

        def leave() -> None:
            try:
                unit.__exit__(None, None, None)
            except Exception as exc:  # reported in the test's thread
                ended["error"] = exc

        thread = threading.Thread(target=leave)
        thread.start()
        thread.join(timeout=10)
        assert "error" not in ended, ended.get("error")
        with db.write_transaction(engine) as c:  # the turn was handed on
            c.execute(text("INSERT INTO hops VALUES (1)"))
    finally:
        engine.dispose()


def _open_files(database: Path) -> list[str]:
    """The process's descriptors on the database file or its WAL (Linux's /proc)."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:  # closed while listing
            continue
        if target.startswith(str(database)):
            found.append(target)
    return found


@pytest.fixture
def steps(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite engine whose database has a table ``steps (n)``, written once already."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'steps.db'}")
    try:
        with db.write_transaction(engine) as c:
            c.execute(text("CREATE TABLE steps (n INTEGER)"))
        yield engine
    finally:
        engine.dispose()


def _written(engine: Engine) -> list[int]:
    with db.read_transaction(engine) as c:
        return [n for (n,) in c.execute(text("SELECT n FROM steps ORDER BY rowid"))]


def test_a_failed_write_leaves_nothing_behind_for_the_next_writer(steps: Engine) -> None:
    # The writers' connection is kept between turns (no pool reset in between): a turn that
    # fails must not hand its open transaction or its change to the next one.
    with pytest.raises(RuntimeError), db.write_transaction(steps) as c:
        c.execute(text("INSERT INTO steps VALUES (1)"))
        raise RuntimeError("the step failed after its first statement")
    failing = {"once": True}

    @event.listens_for(steps, "begin")
    def _fails_after_begin(_connection: Any) -> None:
        # After ``BEGIN IMMEDIATE`` ran on the driver: SQLAlchemy then knows of no
        # transaction, the driver still has one open.
        if failing.pop("once", False):
            raise RuntimeError("a listener of BEGIN failed")

    with pytest.raises(RuntimeError), db.write_transaction(steps) as c:
        c.execute(text("INSERT INTO steps VALUES (2)"))
    with db.write_transaction(steps) as c:
        c.execute(text("INSERT INTO steps VALUES (3)"))
    assert _written(steps) == [3]


def test_writes_on_the_driver_alone_commit_and_roll_back_with_their_turn(steps: Engine) -> None:
    # A transition writes on the driver only (``service.driver``): the turn's BEGIN and
    # COMMIT are the driver's then, and SQLAlchemy never begins a transaction.
    with db.write_transaction(steps) as c:
        assert not c.in_transaction()
        dbapi(c).execute("INSERT INTO steps VALUES (1)")
    with pytest.raises(RuntimeError), db.write_transaction(steps) as c:
        dbapi(c).execute("INSERT INTO steps VALUES (2)")
        raise RuntimeError("the step failed after its first statement")
    assert _written(steps) == [1]


def test_a_statement_through_sqlalchemy_joins_the_turn_s_transaction(steps: Engine) -> None:
    # Driver and SQLAlchemy statements of one turn commit together or not at all, whichever
    # came first.
    with pytest.raises(RuntimeError), db.write_transaction(steps) as c:
        dbapi(c).execute("INSERT INTO steps VALUES (1)")
        c.execute(text("INSERT INTO steps VALUES (2)"))
        raise RuntimeError("the step failed after both")
    with db.write_transaction(steps) as c:
        dbapi(c).execute("INSERT INTO steps VALUES (3)")
        with c.begin_nested():
            c.execute(text("INSERT INTO steps VALUES (4)"))
    assert _written(steps) == [3, 4]
    done: list[str] = []
    with pytest.raises(RuntimeError), db.write_transaction(steps) as c:
        db.after_commit(c, lambda: done.append("committed"))
        c.execute(text("INSERT INTO steps VALUES (5)"))
        raise RuntimeError("rolled back")
    with db.write_transaction(steps) as c:
        db.after_commit(c, lambda: done.append("committed"))
    assert done == ["committed"]
    assert _written(steps) == [3, 4]


def test_a_commit_that_fails_leaves_the_database_unlocked(steps: Engine) -> None:
    # SQLite keeps a transaction open when its COMMIT fails (here a deferred foreign key):
    # the turn rolls it back at once, or another process would wait for its write lock.
    with db.write_transaction(steps) as c:
        c.execute(text("CREATE TABLE owners (id INTEGER PRIMARY KEY)"))
        c.execute(text("CREATE TABLE owned (owner INTEGER REFERENCES owners (id))"))
    with pytest.raises(IntegrityError), db.write_transaction(steps) as c:
        dbapi(c).execute("PRAGMA defer_foreign_keys = ON")
        dbapi(c).execute("INSERT INTO owned VALUES (7)")
    url = steps.url.database
    assert url is not None
    other = sqlite3.connect(url, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO steps VALUES (1)")
        other.execute("COMMIT")
    finally:
        other.close()
    assert _written(steps) == [1]


def test_a_database_locked_by_another_process_is_sqlalchemy_s_error(steps: Engine) -> None:
    # Another process (the CLI) holds the write lock past the busy timeout: the turn's BEGIN
    # on the driver fails as it did through SQLAlchemy's begin event.
    url = steps.url.database
    assert url is not None
    other = sqlite3.connect(url, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    @event.listens_for(steps, "connect")
    def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    steps.dispose()
    try:
        with pytest.raises(OperationalError, match="locked"), db.write_transaction(steps):
            pass
    finally:
        other.rollback()
        other.close()
    with db.write_transaction(steps) as c:
        c.execute(text("INSERT INTO steps VALUES (1)"))
    assert _written(steps) == [1]


def test_a_writer_whose_connection_broke_gets_a_new_one(steps: Engine) -> None:
    with pytest.raises(RuntimeError), db.write_transaction(steps) as c:
        c.invalidate()
        raise RuntimeError("the connection broke")
    with db.write_transaction(steps) as c:
        c.execute(text("INSERT INTO steps VALUES (1)"))
    assert _written(steps) == [1]


def test_disposing_the_engine_during_a_write_closes_its_file_when_the_write_ends(
    tmp_path: Path,
) -> None:
    # A restore may dispose the engine while a writer holds the turn: the write still
    # commits, and its connection closes when the turn ends, not whenever it is collected.
    database = tmp_path / "held.db"
    engine = db.make_engine(f"sqlite:///{database}")
    with db.write_transaction(engine) as c:
        c.execute(text("CREATE TABLE steps (n INTEGER)"))
    with db.write_transaction(engine) as c:
        engine.dispose()
        c.execute(text("INSERT INTO steps VALUES (1)"))
    assert _open_files(database) == []
    with engine.connect() as check:
        assert check.execute(text("SELECT n FROM steps")).scalars().all() == [1]
    engine.dispose()


def test_disposing_the_engine_closes_the_writers_connection(tmp_path: Path) -> None:
    # A restore or a test replaces the file after ``dispose()``: no connection of the old
    # pool may keep it open.
    database = tmp_path / "closed.db"
    engine = db.make_engine(f"sqlite:///{database}")
    with db.write_transaction(engine) as c:
        c.execute(text("CREATE TABLE steps (n INTEGER)"))
    assert _open_files(database)  # the writers' connection, kept between turns
    engine.dispose()
    assert _open_files(database) == []
    with db.write_transaction(engine) as c:  # and writing goes on with a new one
        c.execute(text("INSERT INTO steps VALUES (1)"))
    engine.dispose()
