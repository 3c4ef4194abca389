"""The scheduler lock's timing: a standby leads within 30 s, even when the holder's machine
vanished without closing its connection; the lock's connection names the leading process."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from service.runtime import Runtime
from service.scheduler.lock import LOCK_KEY, PostgresLock, keepalive
from service.scheduler.settings import ScheduleSettings


def test_by_default_a_standby_leads_within_30_seconds_of_a_vanished_holder() -> None:
    settings = ScheduleSettings()
    alive = keepalive(settings.scheduler_lease_seconds)
    silent = alive["keepalives_idle"] + alive["keepalives_interval"] * alive["keepalives_count"]
    assert silent <= settings.scheduler_lease_seconds
    assert settings.scheduler_lease_seconds + settings.election_seconds <= 30


@pytest.mark.parametrize("lease", [1, 4, 20, 31])
def test_the_keepalive_gives_up_on_a_silent_holder_within_the_lease(lease: int) -> None:
    alive = keepalive(lease)
    assert alive["keepalives_idle"] >= 1 and alive["keepalives_interval"] >= 1
    assert alive["keepalives_idle"] + alive["keepalives_interval"] * alive[
        "keepalives_count"
    ] <= max(lease, 3)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_lock_is_held_once_and_names_its_process_with_the_lease_on_the_server(
    runtime: Runtime,
) -> None:
    first, second = PostgresLock(runtime.engine, 8), PostgresLock(runtime.engine, 8)
    try:
        assert first.acquire()
        assert not second.acquire()
        assert first.connection is not None
        probe = first.connection.execute(text("SHOW tcp_keepalives_idle")).scalar()
        with runtime.engine.connect() as c:
            names = c.execute(
                text(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
                    "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                    "AND ((l.classid::bigint << 32) | l.objid::bigint) = :key "
                    # Advisory locks are per database; other suites share the server.
                    "AND l.database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database())"
                ),
                {"key": LOCK_KEY},
            ).all()
        assert [n for (n,) in names] == [f"ratsflow-scheduler {os.uname().nodename} {os.getpid()}"]
        assert probe == "4"
        first.release()
        assert second.acquire() and second.held()
    finally:
        first.release()
        second.release()
