"""Persisted transitions: the full service path against a raw-driver floor doing the same SQL.

Both sides fire ``vertagen`` on measures in ``fva_beratung`` (a reflexive step that closes
and starts a deadline), one transaction per transition: read the item with its version,
conditional update, close and insert the deadline, history entry, last chain hash, audit
event with the same canonical hash, affected person. The floor skips only what the service
adds on top: the engine's checks, SQLAlchemy, and building the event. Five interleaved
rounds (ours, then the floor); each figure is the median of the rounds, the ratio the median
of the rounds' ratios.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import rfc8785
from sqlalchemy import create_engine, insert, text

from service.actor import Actor
from service.bootstrap import prepare_database
from service.config import Settings
from service.db import make_engine
from service.models import Measure, Programme, User
from service.runtime import Runtime

GOAL = 1.25
ROUNDS = 5
START = datetime(2024, 2, 1, 9, 0, tzinfo=UTC)
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _setup(url: str, count: int) -> Runtime:
    clock_now = [START]
    settings = Settings(database_url=url)
    runtime = Runtime(settings, make_engine(url), lambda: clock_now[0])
    prepare_database(runtime)
    with runtime.write() as c:
        body = runtime.body_id  # the deployment's own body, made by prepare_database
        programme = c.execute(
            insert(Programme.__table__).returning(Programme.__table__.c.id),  # type: ignore[attr-defined]
            {"body_id": body, "title": "Bench", "review_cycle": "P6M", "created_at": START},
        ).scalar_one()
        c.execute(
            insert(User.__table__),  # type: ignore[attr-defined]
            {
                "body_id": body,
                "username": "bench",
                "roles": ["sitzungsdienst"],
                "created_at": START,
            },
        )
        c.execute(
            insert(Measure.__table__),  # type: ignore[attr-defined]
            [
                {
                    "body_id": body,
                    "programme_id": programme,
                    "code": f"B-{i}",
                    "title": f"Bench {i}",
                    "state": "fva_beratung",
                    "version": 1,
                    "definition_name": "massnahme",
                    "definition_version": runtime.registry.latest("massnahme").spec.version,
                    "fields": {},
                    "public": True,
                    "created_at": START,
                    "updated_at": START,
                }
                for i in range(count)
            ],
        )
    return runtime


def _ours(runtime: Runtime, ids: list[int]) -> float:
    actor = Actor(1, None, frozenset({"sitzungsdienst"}), "bench")
    lifecycle = runtime.lifecycle
    data = {"sitzung_am": "2024-03-20"}
    started = time.perf_counter()
    for measure_id in ids:
        with runtime.write() as c:
            lifecycle.fire(c, "measure", measure_id, "vertagen", actor=actor, now=START, data=data)
    return (time.perf_counter() - started) / len(ids)


_SELECT = (
    "SELECT id, body_id, state, version, definition_name, definition_version, fields, title, "
    "responsible_person_id, code FROM measures WHERE id = {p}"
)
_UPDATE = (
    "UPDATE measures SET state = {p}, version = version + 1, fields = {p}, updated_at = {p} "
    "WHERE id = {p} AND version = {p}"
)
_CLOSE = (
    "UPDATE deadlines SET open = {f}, closed_at = {p} WHERE entity_type = {p} AND "
    "entity_id = {p} AND open = {t} AND name = {p}"
)
_DEADLINE = (
    "INSERT INTO deadlines (body_id, entity_type, entity_id, name, label, due_at, open, "
    "created_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {t}, {p})"
)
_HISTORY = (
    "INSERT INTO history_entries (entity_type, entity_id, at, event, label, from_state, "
    "to_state, actor_user_id, actor_role, comment, data) VALUES "
    "({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})"
)
_LAST = "SELECT seq, hash FROM audit_events WHERE chain_key = {p} ORDER BY seq DESC LIMIT 1"
_EVENT = (
    "INSERT INTO audit_events (chain_key, seq, ts, actor_id, actor_role, action, entity_type, "
    "entity_id, request_id, payload, prev_hash, hash) VALUES "
    "({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})"
)


def _sql(template: str, dialect: str) -> str:
    if dialect == "sqlite":
        return template.format(p="?", t="1", f="0")
    return template.format(p="%s", t="true", f="false")


def _floor_step(
    execute: Callable[[str, tuple[object, ...]], object],
    fetch_one: Callable[[str, tuple[object, ...]], tuple[object, ...] | None],
    dialect: str,
    measure_id: int,
) -> None:
    now = START
    ts: object = now.replace(tzinfo=None).isoformat(" ") if dialect == "sqlite" else now
    row = fetch_one(_sql(_SELECT, dialect), (measure_id,))
    assert row is not None
    fields = json.dumps({"sitzung_am": "2024-03-20"})
    body_id, version = row[1], row[3]
    execute(_sql(_UPDATE, dialect), ("fva_beratung", fields, ts, measure_id, version))
    execute(_sql(_CLOSE, dialect), (ts, "measure", measure_id, "ladungsfrist"))
    due = datetime(2024, 3, 12, 23, 0, tzinfo=UTC)
    due_value: object = due.replace(tzinfo=None).isoformat(" ") if dialect == "sqlite" else due
    execute(
        _sql(_DEADLINE, dialect),
        (body_id, "measure", measure_id, "ladungsfrist", "Ladungsfrist", due_value, ts),
    )
    execute(
        _sql(_HISTORY, dialect),
        (
            "measure",
            measure_id,
            ts,
            "vertagen",
            "Vertagen",
            "fva_beratung",
            "fva_beratung",
            None,
            "sitzungsdienst",
            None,
            fields,
        ),
    )
    if dialect == "postgresql":
        execute("SELECT pg_advisory_xact_lock(%s)", (42,))
    last = fetch_one(_sql(_LAST, dialect), ("floor",))
    seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, "0" * 64)  # type: ignore[arg-type]
    document = {
        "v": 1,
        "chain": "floor",
        "seq": seq,
        "ts": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": 1,
        "role": "sitzungsdienst",
        "action": "measure.transition",
        "entity": {"type": "measure", "id": measure_id},
        "persons": [],
        "changes": {
            "sitzung_am": [None, "2024-03-20"],
            "state": ["fva_beratung"] * 2,
            "version": [version, int(version) + 1],
        },  # type: ignore[call-overload]
        "context": {"deadline": "ladungsfrist", "due_at": due.isoformat(), "event": "vertagen"},
        "comment": None,
        "request": None,
        "prev": prev,
    }
    payload = rfc8785.dumps(document).decode()
    digest = hashlib.sha256(payload.encode()).hexdigest()
    execute(
        _sql(_EVENT, dialect),
        (
            "floor",
            seq,
            ts,
            1,
            "sitzungsdienst",
            "measure.transition",
            "measure",
            measure_id,
            None,
            payload,
            prev,
            digest,
        ),
    )


def _floor_sqlite(path: str, ids: list[int]) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA busy_timeout=30000")

    def fetch_one(sql: str, params: tuple[object, ...]) -> tuple[object, ...] | None:
        result: tuple[object, ...] | None = connection.execute(sql, params).fetchone()
        return result

    started = time.perf_counter()
    for measure_id in ids:
        connection.execute("BEGIN IMMEDIATE")
        _floor_step(connection.execute, fetch_one, "sqlite", measure_id)
        connection.execute("COMMIT")
    elapsed = (time.perf_counter() - started) / len(ids)
    connection.close()
    return elapsed


def _floor_postgres(dsn: str, ids: list[int]) -> float:
    with psycopg.connect(dsn) as connection:
        cursor = connection.cursor()

        def fetch_one(sql: str, params: tuple[object, ...]) -> tuple[object, ...] | None:
            cursor.execute(sql, params)  # type: ignore[arg-type]
            return cursor.fetchone()

        def execute(sql: str, params: tuple[object, ...]) -> object:
            return cursor.execute(sql, params)  # type: ignore[arg-type]

        started = time.perf_counter()
        for measure_id in ids:
            with connection.transaction():
                _floor_step(execute, fetch_one, "postgresql", measure_id)
        return (time.perf_counter() - started) / len(ids)


def _line(name: str, rounds: list[tuple[float, float]]) -> str:
    ours = statistics.median(o for o, _ in rounds)
    floor = statistics.median(f for _, f in rounds)
    ratio = statistics.median(o / f for o, f in rounds)
    return (
        f"BENCH {name} ours={ours * 1e6:.0f}us floor={floor * 1e6:.0f}us "
        f"ratio={ratio:.2f} goal<={GOAL:.2f} rounds={len(rounds)}"
    )


def _rounds(
    ours: Callable[[list[int]], float], floor: Callable[[list[int]], float], count: int
) -> list[tuple[float, float]]:
    """ROUNDS interleaved pairs of ``count`` transitions each: ours, then the floor."""
    rounds = []
    for index in range(ROUNDS):
        first = 1 + index * 2 * count
        ids = list(range(first, first + 2 * count))
        rounds.append((ours(ids[:count]), floor(ids[count:])))
    return rounds


def run(count: int = 400) -> list[str]:
    lines = []
    total = count * 2 * ROUNDS
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "bench.db")
        runtime = _setup(f"sqlite:///{path}", total)
        rounds = _rounds(
            lambda ids: _ours(runtime, ids), lambda ids: _floor_sqlite(path, ids), count
        )
        runtime.engine.dispose()
        lines.append(_line("persisted_transition_sqlite", rounds))
    name = f"ratsflow_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        runtime = _setup(f"{PG_SERVER}/{name}", total)
        dsn = f"postgresql://postgres@127.0.0.1:5432/{name}"
        rounds = _rounds(
            lambda ids: _ours(runtime, ids), lambda ids: _floor_postgres(dsn, ids), count
        )
        runtime.engine.dispose()
        lines.append(_line("persisted_transition_postgres", rounds))
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return lines


if __name__ == "__main__":
    for line in run():
        print(line)
