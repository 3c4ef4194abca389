"""The deadline sweep with 100 due deadlines among 10,000 and among 100,000 measures.

Both sizes hold one open deadline per measure; 100 have a reminder due, the rest are planned
for later. A sweep writes the 100 reminders to the outbox. Its cost must follow what is due,
not how many measures exist: the figure is the 100,000 sweep with the 10,000 sweep as floor.
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, delete, insert, text, update

from bench import Figure, best_per_op
from service.bootstrap import prepare_database
from service.config import Settings
from service.db import make_engine
from service.models import Deadline, Measure, OutboxMessage, Person, Programme, User
from service.runtime import Runtime
from service.scheduler.deadline_sweep import sweep

GOAL = "<=1.5x"
DUE = 100
NOW = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
deadlines = Deadline.__table__  # type: ignore[attr-defined]
outbox = OutboxMessage.__table__  # type: ignore[attr-defined]


def _setup(url: str, count: int) -> Runtime:
    runtime = Runtime(Settings(database_url=url), make_engine(url), lambda: NOW)
    prepare_database(runtime)
    with runtime.write() as c:
        body = runtime.body_id  # the deployment's own body, made by prepare_database
        person = c.execute(
            insert(Person.__table__).returning(Person.__table__.c.id),  # type: ignore[attr-defined]
            {"body_id": body, "given_name": "Bea", "family_name": "Bench", "email": "b@x.example"},
        ).scalar_one()
        c.execute(
            insert(User.__table__),  # type: ignore[attr-defined]
            {
                "body_id": body,
                "username": "lead",
                "roles": ["ag_leitung"],
                "person_id": person,
                "created_at": NOW,
            },
        )
        programme = c.execute(
            insert(Programme.__table__).returning(Programme.__table__.c.id),  # type: ignore[attr-defined]
            {"body_id": body, "title": "Bench", "review_cycle": "P6M", "created_at": NOW},
        ).scalar_one()
        for start in range(0, count, 10_000):
            batch = range(start, min(start + 10_000, count))
            ids = c.execute(
                insert(Measure.__table__).returning(Measure.__table__.c.id),  # type: ignore[attr-defined]
                [
                    {
                        "body_id": body,
                        "programme_id": programme,
                        "code": f"B-{i}",
                        "title": f"Bench {i}",
                        "responsible_person_id": person,
                        "state": "ag_pruefung",
                        "version": 1,
                        "definition_name": "massnahme",
                        "definition_version": runtime.registry.latest("massnahme").spec.version,
                        "fields": {},
                        "public": True,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for i in batch
                ],
            ).scalars()
            c.execute(
                insert(deadlines),
                [
                    {
                        "body_id": body,
                        "entity_type": "measure",
                        "entity_id": measure_id,
                        "name": "ag_pruefung",
                        "label": "Prüfung in der AG abschließen",
                        "due_at": NOW + timedelta(days=30),
                        "open": True,
                        "created_at": NOW,
                        "reminders_planned": True,
                        "next_reminder_at": NOW + timedelta(days=23),
                    }
                    for measure_id in ids
                ],
            )
    return runtime


def _reset(runtime: Runtime, count: int) -> None:
    """The same 100 deadlines (spread over the table) owe their first reminder again."""
    step = count // DUE
    with runtime.write() as c:
        c.execute(delete(outbox))
        c.execute(
            update(deadlines)
            .where(deadlines.c.id % step == 0)
            .values(next_reminder_at=NOW - timedelta(days=7), due_at=NOW + timedelta(days=1))
        )
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as c:
            c.execute(text("ANALYZE"))
            c.commit()


def _measure(url: str, count: int) -> float:
    runtime = _setup(url, count)
    try:

        def one() -> int:
            written = sweep(runtime, NOW)
            assert written == DUE, written
            return 1

        return best_per_op(one, repeat=5, setup=lambda: _reset(runtime, count)) / 1000
    finally:
        runtime.engine.dispose()


def _pair(make_url: object) -> tuple[float, float]:
    small = _measure(make_url(), 10_000)  # type: ignore[operator]
    large = _measure(make_url(), 100_000)  # type: ignore[operator]
    return small, large


def run() -> list[Figure]:
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        names = iter(("small.db", "large.db"))
        small, large = _pair(lambda: f"sqlite:///{Path(folder) / next(names)}")
        figures.append(Figure("deadline_sweep_sqlite", large, small, "ms", GOAL))
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def pg_url() -> str:
        name = f"ratsflow_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return f"{PG_SERVER}/{name}"

    try:
        small, large = _pair(pg_url)
        figures.append(Figure("deadline_sweep_postgres", large, small, "ms", GOAL))
    finally:
        with admin.connect() as c:
            for name in created:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return figures


if __name__ == "__main__":
    for figure in run():
        print(figure)
