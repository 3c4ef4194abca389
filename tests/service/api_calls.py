"""Talking to the API as the tests of every domain do on the demo city.

A bearer token for a demo user; what every error answer must be (RFC 9457
``application/problem+json`` with a German ``detail`` and no trace of the code behind it);
a snapshot of what a refused request must leave as it was; and a measure's transition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.audit.models import AuditEvent
from service.demo.service import DEMO_PASSWORD
from service.lifecycle.models import HistoryEntry
from service.measures.service import list_measures
from service.runtime import Runtime

API = "/api/v1"

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
history_entries = HistoryEntry.__table__  # type: ignore[attr-defined]

_GERMAN = re.compile(
    r"[äöüßÄÖÜ„“]|\b(der|die|das|ist|nicht|fehlt|fehlen|bitte|und|für|oder|nur|wurde|ein|eine)\b",
    re.IGNORECASE,
)


def measure_ids(runtime: Runtime) -> dict[str, int]:
    with runtime.read() as c:
        return {row.code: row.id for row in list_measures(c)}


def login(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(
        f"{API}/auth/token",
        data={"grant_type": "password", "username": username, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    return {"Authorization": f"Bearer {body['access_token']}"}


def assert_problem(response: httpx.Response, status: int, kind: str | None = None) -> dict:
    """An RFC 9457 problem in German, without any trace of the code behind it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/probleme/")
    assert body["title"]
    if kind is not None:
        assert body["type"] == f"/probleme/{kind}"
    assert _GERMAN.search(body["detail"]), body["detail"]
    return body


@dataclass(frozen=True)
class Snapshot:
    measures: tuple[tuple[int, str, int], ...]
    audit_events: int
    history_entries: int


def snapshot(runtime: Runtime) -> Snapshot:
    with runtime.read() as c:
        rows = tuple((r.id, r.state, r.version) for r in list_measures(c))
        # Sign-ins are traced too (``auth.*``); what a call must leave as it was are the rest.
        events = c.execute(
            select(func.count()).where(audit_events.c.action.not_like("auth.%"))
        ).scalar_one()
        steps = c.execute(select(func.count()).select_from(history_entries)).scalar_one()
    return Snapshot(rows, events, steps)


def fire(
    client: TestClient,
    auth: dict[str, str] | None,
    measure_id: int,
    event: str,
    version: int,
    **extra: Any,
) -> httpx.Response:
    body = {"event": event, "version": version, **extra}
    return client.post(f"{API}/measures/{measure_id}/transitions", json=body, headers=auth or {})


def from_address(client: TestClient, host: str) -> TestClient:
    """Another client on the same app, calling from ``host``."""
    return TestClient(client.app, raise_server_exceptions=False, client=(host, 40000))


def attempt(client: TestClient, username: str, password: str) -> httpx.Response:
    """A sign-in at the API with a password, right or wrong."""
    return client.post(f"{API}/auth/token", data={"username": username, "password": password})
