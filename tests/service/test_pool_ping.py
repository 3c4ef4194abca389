"""Pooled PostgreSQL connections: a connection idle for a while is tested before use, one
just returned is handed out without a round trip (``service.db._ping_when_idle``)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from service import db

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]


def _pooled_and_killed(database_url: str, idle: float) -> tuple[Engine, int]:
    """An engine of one pooled connection whose server process was terminated after it
    was returned ``idle`` seconds ago."""
    engine = db.make_engine(database_url, pool_size=1, max_overflow=0)
    with engine.connect() as connection:
        pid = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
    killer = db.make_engine(database_url)
    with killer.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.commit()
    killer.dispose()
    record = engine.pool._pool.queue[0]  # type: ignore[attr-defined]
    record.info["returned_at"] -= idle
    return engine, pid


def test_a_connection_whose_server_went_away_while_idle_is_replaced(database_url: str) -> None:
    engine, first = _pooled_and_killed(database_url, db.IDLE_PING_SECONDS + 1)
    try:
        with engine.connect() as connection:
            second = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()


def test_a_connection_just_returned_is_handed_out_without_a_round_trip(
    database_url: str,
) -> None:
    """The price of the saved round trip: a server gone within the idle time fails the
    first statement (the pool then drops the connection), as without any ping."""
    engine, _ = _pooled_and_killed(database_url, 0)
    try:
        connection = engine.connect()
        with pytest.raises(OperationalError):
            connection.execute(text("SELECT 1"))
        connection.close()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
