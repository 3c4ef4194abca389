"""Shared pieces of the council API tests (papers, committees, persons, meetings).

The tests run on the demo city (see ``tests/conftest.py``); these helpers add fresh items
through the real services and talk to the app through ``TestClient``.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.audit.models import AuditEvent
from service.auth.service import actor_for
from service.committees.service import committee_by_slug
from service.demo.service import DEMO_PASSWORD
from service.runtime import Runtime

API = "/api/v1"
EVIL = "'); DROP TABLE papers;--<script>alert(1)</script>"

# One demo user per role (``ob`` has the same role as ``dezernent``); ``rat.mitglied`` sits in
# the FVA and the Stadtrat.
USERS = {
    "ag_leitung": "ag.leitung",
    "ag_mitglied": "ag.mitglied",
    "sitzungsdienst": "sitzungsdienst",
    "kaemmerei": "kaemmerei",
    "datenschutz": "datenschutz",
    "informationssicherheit": "informationssicherheit",
    "personalrat": "personalrat",
    "verwaltungsleitung": "dezernent",
    "admin": "admin",
    "revision": "revision",
    "ratsmitglied": "rat.mitglied",
}
audit_events = AuditEvent.__table__  # type: ignore[attr-defined]

_GERMAN = re.compile(
    r"[äöüßÄÖÜ„“]|\b(der|die|das|ist|nicht|fehlt|fehlen|bitte|und|für|oder|nur|wurde|ein|eine)\b",
    re.IGNORECASE,
)


def login(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(
        f"{API}/auth/token",
        data={"grant_type": "password", "username": username, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def assert_problem(response: httpx.Response, status: int, kind: str | None = None) -> dict:
    """An RFC 9457 problem in German, without any trace of the code behind it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    if kind is not None:
        assert body["type"] == f"/probleme/{kind}", body
    assert _GERMAN.search(body["detail"]), body["detail"]
    return body


def audit_count(runtime: Runtime) -> int:
    with runtime.read() as c:
        # Sign-ins (and failed ones) are traced as ``auth.*``; the rest is what a call did.
        query = select(func.count()).where(audit_events.c.action.not_like("auth.%"))
        return int(c.execute(query).scalar_one())


def committee_id(runtime: Runtime, slug: str) -> int:
    with runtime.read() as c:
        return int(committee_by_slug(c, runtime.body_id, slug).id)


def actor(runtime: Runtime, username: str) -> Any:
    with runtime.read() as c:
        return actor_for(c, username)
