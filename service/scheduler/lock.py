"""One active scheduler per database.

PostgreSQL: a session-level advisory lock held on a dedicated connection. When the holder
dies, its connection closes and the server releases the lock; a standby asking every
``election_seconds`` takes over. When the holder's machine vanishes without closing the
connection (power cut, network gone), TCP keepalives on both ends of the lock's connection
end it within ``lease_seconds``: the server releases the lock, and the old holder's next
check fails, so it stops its jobs. The connection names its process (``application_name``
``ratsflow-scheduler <host> <pid>``), so ``pg_stat_activity`` shows who leads.

SQLite: the embedded database belongs to one machine, so an exclusive ``flock`` on a file
beside it plays the same part (released by the kernel when the holder dies).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

# A fixed 63-bit key derived from a name, so other advisory locks (the audit chain's) differ.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"ratsflow.scheduler").digest()[:8], "big") >> 1
APPLICATION = "ratsflow-scheduler"


def application_name() -> str:
    """How the lock's connection names this process in ``pg_stat_activity``."""
    return f"{APPLICATION} {socket.gethostname()} {os.getpid()}"[:63]


def keepalive(lease_seconds: int) -> dict[str, int]:
    """TCP keepalive that gives up on a silent peer after ``lease_seconds``: half of it idle,
    then two probes a quarter apart (libpq's names; the server's are ``tcp_keepalives_*``)."""
    idle = max(lease_seconds // 2, 1)
    interval = max((lease_seconds - idle) // 2, 1)
    return {"keepalives_idle": idle, "keepalives_interval": interval, "keepalives_count": 2}


class SchedulerLock(Protocol):
    def acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class PostgresLock:
    def __init__(self, engine: Engine, lease_seconds: int = 20) -> None:
        # Its own connections, outside the pool: with the keepalive of the lease, and
        # closed, not handed back, when the lock ends.
        alive = keepalive(lease_seconds)
        self.engine = create_engine(
            engine.url,
            poolclass=NullPool,
            connect_args={
                "application_name": application_name(),
                "keepalives": 1,
                **alive,
                # A write the peer never acknowledges fails after the lease as well.
                "tcp_user_timeout": lease_seconds * 1000,
            },
        )
        self.server_keepalive = {
            "tcp_keepalives_idle": alive["keepalives_idle"],
            "tcp_keepalives_interval": alive["keepalives_interval"],
            "tcp_keepalives_count": alive["keepalives_count"],
        }
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        connection = self.engine.connect()
        try:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
            ).scalar()
            if got:
                # The server probes a silent holder too, and frees the lock when it is gone.
                for name, value in self.server_keepalive.items():
                    connection.execute(
                        text("SELECT set_config(:name, :value, false)"),
                        {"name": name, "value": str(value)},
                    )
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
        self.engine.dispose()

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


def lock_for(engine: Engine, lease_seconds: int = 20) -> SchedulerLock:
    url = make_url(str(engine.url))
    if url.get_backend_name() == "postgresql":
        return PostgresLock(engine, lease_seconds)
    if url.database and url.database != ":memory:":
        return FileLock(Path(url.database).with_name(Path(url.database).name + ".scheduler.lock"))
    return ProcessLock()
