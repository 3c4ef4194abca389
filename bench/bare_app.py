"""The floor for ``http_transitions``: a bare FastAPI endpoint doing a transition's SQL.

It checks the bearer token with the same query, then runs the same statements as
``persisted_transition``'s raw-driver floor (read with version, conditional update, deadline,
history, chain head, audit event), each through a DBAPI connection from a pool, behind the
same server (uvicorn) and thread pool as ratsflow, but without the engine's checks,
SQLAlchemy statements, audit event building or problem handling. Started by the benchmark
as ``uvicorn bench.bare_app:app`` with ``BENCH_DATABASE_URL`` set.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException
from sqlalchemy import create_engine

from bench.persisted_transition import _floor_step
from service.auth.tokens import token_digest

URL = os.environ.get("BENCH_DATABASE_URL", "sqlite://")
DIALECT = "sqlite" if URL.startswith("sqlite") else "postgresql"
engine = create_engine(URL, pool_size=20, max_overflow=30)
app = FastAPI()
_P = "?" if DIALECT == "sqlite" else "%s"
_TOKEN = (
    "SELECT users.id, users.body_id, users.person_id, users.roles, users.username FROM users "
    "JOIN api_tokens ON api_tokens.user_id = users.id "
    f"WHERE api_tokens.token_hash = {_P} AND api_tokens.revoked_at IS NULL "
    f"AND api_tokens.expires_at > {_P} AND users.active"
)


def _caller(authorization: str) -> tuple[Any, ...]:
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        now = datetime.now(UTC)
        cursor.execute(
            _TOKEN,
            (
                token_digest(authorization.removeprefix("Bearer ")),
                now.replace(tzinfo=None).isoformat(" ") if DIALECT == "sqlite" else now,
            ),
        )
        row = cursor.fetchone()
        connection.commit()
    finally:
        connection.close()
    if row is None:
        raise HTTPException(401)
    return tuple(row)


@app.post("/bare/transitions/{measure_id}")
def fire(
    measure_id: int, body: dict[str, Any], authorization: Annotated[str, Header()]
) -> dict[str, Any]:
    _caller(authorization)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()

        def fetch_one(sql: str, params: tuple[object, ...]) -> tuple[object, ...] | None:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            return tuple(row) if row is not None else None

        def execute(sql: str, params: tuple[object, ...]) -> object:
            return cursor.execute(sql, params)

        if DIALECT == "sqlite":
            connection.isolation_level = None  # type: ignore[attr-defined]
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("BEGIN IMMEDIATE")
        _floor_step(execute, fetch_one, DIALECT, measure_id)
        connection.commit()
    except Exception:
        connection.rollback()
        raise
    finally:
        connection.close()
    return {"id": measure_id, "event": body.get("event"), "version": body.get("version", 0) + 1}
