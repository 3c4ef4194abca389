"""One active scheduler per database.

PostgreSQL: a session-level advisory lock held on a dedicated connection. When the holder
dies, its connection closes and the server releases the lock; a standby asking every
``election_seconds`` takes over. SQLite: the embedded database belongs to one machine, so an
exclusive ``flock`` on a file beside it plays the same part (released by the kernel when
the holder dies).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection, make_url

# A fixed 63-bit key derived from a name, so other advisory locks (the audit chain's) differ.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"ratsflow.scheduler").digest()[:8], "big") >> 1


class SchedulerLock(Protocol):
    def acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class PostgresLock:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        connection = self.engine.connect()
        try:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
            ).scalar()
            connection.commit()  # the lock is the session's; no transaction stays open
        except Exception:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self.connection = connection
        return True

    def held(self) -> bool:
        """Asks the server through the lock's connection; a lost connection lost the lock."""
        if self.connection is None:
            return False
        try:
            held = self.connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND granted "
                    "AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": LOCK_KEY},
            ).scalar()
            self.connection.commit()
        except Exception:
            self._drop()
            return False
        return bool(held)

    def release(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            self.connection.commit()
        except Exception:
            pass
        self._drop()

    def _drop(self) -> None:
        if self.connection is not None:
            try:
                self.connection.invalidate()
                self.connection.close()
            except Exception:
                pass
            self.connection = None


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    def acquire(self) -> bool:
        handle = open(self.path, "a+")  # noqa: SIM115 - held open for as long as we lead
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self.handle = handle
        return True

    def held(self) -> bool:
        return self.handle is not None

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


class ProcessLock:
    """An in-memory SQLite database lives in one process: nobody to compete with."""

    def __init__(self) -> None:
        self.taken = False

    def acquire(self) -> bool:
        self.taken = True
        return True

    def held(self) -> bool:
        return self.taken

    def release(self) -> None:
        self.taken = False


def lock_for(engine: Engine) -> SchedulerLock:
    url = make_url(str(engine.url))
    if url.get_backend_name() == "postgresql":
        return PostgresLock(engine)
    if url.database and url.database != ":memory:":
        return FileLock(Path(url.database).with_name(Path(url.database).name + ".scheduler.lock"))
    return ProcessLock()
