"""Server time of the Übersicht (``GET /`` signed in) with 1,000 and with 10,000 measures.

The same request against a city of 1,000 and of 10,000 measures, spread over every state,
a quarter of them with an open Frist (half of those overdue) and a quarter touching
personal data: ``ours`` is the page at 10,000, ``floor`` the page at 1,000. Goal: the ten
times larger city costs at most twice as much (the default page walks indexes; only the
counts per state read every row, and they read the state index). Measured in process
through the ASGI app, best of several requests after a warm-up, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, text

from service.auth import tokens
from service.bootstrap import prepare_database
from service.config import Settings
from service.db import make_engine
from service.main import create_app
from service.models import Deadline, Measure, Person, Programme, User
from service.runtime import Runtime
from service.web.sessions import session_cookie_name

GOAL = 2.0
NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
REPEAT = 15


def _table(model: object) -> object:
    return model.__table__  # type: ignore[attr-defined]


def _setup(url: str, count: int) -> Runtime:
    runtime = Runtime(Settings(database_url=url), make_engine(url), lambda: NOW)
    prepare_database(runtime)
    states = list(runtime.registry.latest("massnahme").spec.states)
    with runtime.write() as c:
        body = runtime.body_id  # the deployment's own body, made by prepare_database
        people = [
            c.execute(
                insert(_table(Person)).returning(_table(Person).c.id),  # type: ignore[attr-defined]
                {
                    "body_id": body,
                    "given_name": "Person",
                    "family_name": f"Nr. {i}",
                    "is_staff": True,
                },
            ).scalar_one()
            for i in range(20)
        ]
        programme = c.execute(
            insert(_table(Programme)).returning(_table(Programme).c.id),  # type: ignore[attr-defined]
            {"body_id": body, "title": "Bench", "review_cycle": "P6M", "created_at": NOW},
        ).scalar_one()
        c.execute(
            insert(_table(User)),
            {
                "body_id": body,
                "username": "bench",
                "roles": ["ag_leitung"],
                "person_id": people[0],
                "created_at": NOW,
            },
        )
        c.execute(
            insert(_table(Measure)),
            [
                {
                    "body_id": body,
                    "programme_id": programme,
                    "code": f"B-{i:05d}",
                    "title": f"Maßnahme {i}",
                    "state": states[i % len(states)],
                    "version": 1,
                    "definition_name": "massnahme",
                    "definition_version": runtime.registry.latest("massnahme").spec.version,
                    "responsible_person_id": people[i % len(people)],
                    "fields": {"personenbezogen": i % 4 == 0, "fortschritt": i % 101},
                    "public": True,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for i in range(count)
            ],
        )
        c.execute(
            insert(_table(Deadline)),
            [
                {
                    "body_id": body,
                    "entity_type": "measure",
                    "entity_id": i + 1,
                    "name": "ag_pruefung",
                    "label": "Prüfung in der AG abschließen",
                    "due_at": NOW + timedelta(days=-3 if i % 8 == 0 else 30),
                    "open": True,
                    "created_at": NOW,
                }
                for i in range(0, count, 4)
            ],
        )
    return runtime


def _page_time(runtime: Runtime) -> float:
    with runtime.write() as c:
        token, _ = tokens.issue_token(c, 1, NOW)
    client = TestClient(create_app(runtime))
    client.cookies.set(session_cookie_name(runtime), token)
    for _ in range(3):
        assert "Übersicht der Maßnahmen" in client.get("/").text
    best = float("inf")
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get("/")
        best = min(best, time.perf_counter() - started)
        assert response.status_code == 200
    return best


def _measure(url_for: object, label: str) -> str:
    times = {}
    for count in (1_000, 10_000):
        url, cleanup = url_for(count)  # type: ignore[operator]
        try:
            runtime = _setup(url, count)
            times[count] = _page_time(runtime)
            runtime.engine.dispose()
        finally:
            cleanup()
    ours, floor = times[10_000], times[1_000]
    return (
        f"BENCH overview_page_{label} ours={ours * 1e3:.1f}ms floor={floor * 1e3:.1f}ms "
        f"ratio={ours / floor:.2f} goal<={GOAL:.1f}"
    )


def run() -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as folder:

        def sqlite_url(count: int) -> tuple[str, object]:
            return f"sqlite:///{Path(folder) / f'bench-{count}.db'}", lambda: None

        lines.append(_measure(sqlite_url, "sqlite"))
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")

    def postgres_url(count: int) -> tuple[str, object]:
        name = f"ratsflow_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))

        def drop() -> None:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

        return f"{PG_SERVER}/{name}", drop

    try:
        lines.append(_measure(postgres_url, "postgres"))
    finally:
        admin.dispose()
    return lines


if __name__ == "__main__":
    for line in run():
        print(line)
