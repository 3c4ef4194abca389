"""The measure domain through every door, on the demo city (both backends).

Each test gets its own copy of the demo at 01.09.2026, 10:00 (see ``tests/conftest.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.audit.models import AuditEvent
from service.demo.service import DEMO_PASSWORD
from service.lifecycle.models import HistoryEntry
from service.measures import service as measures
from service.runtime import Runtime

API = "/api/v1"
audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
history_entries = HistoryEntry.__table__  # type: ignore[attr-defined]


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def api(served_app: FastAPI) -> Iterator[TestClient]:
    """The API on the session's app, serving the test's demo city (a client of its own)."""
    with TestClient(served_app, raise_server_exceptions=False) as client:
        yield client


def token(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(
        f"{API}/auth/token",
        data={"grant_type": "password", "username": username, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def ids(runtime: Runtime) -> dict[str, int]:
    with runtime.read() as connection:
        return {row.code: row.id for row in measures.list_measures(connection)}


def version(runtime: Runtime, measure_id: int) -> int:
    with runtime.read() as connection:
        return int(measures.get_measure(connection, measure_id).version)


def changes(runtime: Runtime) -> tuple[object, ...]:
    """Everything a refused request must leave alone: every measure with its version,
    the history, and the audit events that record changes (reads are logged, too)."""
    with runtime.read() as connection:
        rows = tuple((r.id, r.code, r.state, r.version) for r in measures.list_measures(connection))
        steps = connection.execute(select(func.count()).select_from(history_entries)).scalar()
        written = connection.execute(
            select(func.count()).where(audit_events.c.action.not_like("%.read"))
        ).scalar()
    return rows, steps, written


def reads(runtime: Runtime) -> list[tuple[str, int | None, int | None]]:
    """The access events so far: (action, entity id, actor's user id)."""
    with runtime.read() as connection:
        return [
            (r.action, r.entity_id, r.actor_id)
            for r in connection.execute(
                select(audit_events.c.action, audit_events.c.entity_id, audit_events.c.actor_id)
                .where(audit_events.c.action.like("%.read"))
                .order_by(audit_events.c.seq)
            )
        ]


def offered_steps(page: httpx.Response) -> list[str]:
    """The events a Maßnahme page offers as step forms."""
    return re.findall(r'name="ereignis" value="(\w+)"', page.text)
