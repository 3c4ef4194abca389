"""A success answer means committed: right after it, any other connection sees the change.

The app is wrapped so that, at the very moment a write's success answer starts (status 2xx,
or a form's 303), the audit trail is read on a connection of its own. Every write appends
to the trail in its own transaction, so the newest event there tells whether the write had
committed before the client could know it succeeded. This is the earliest moment a client
could act on the answer; it needs no sleeps and no luck with timing.

Regression: the API used to commit in a ``yield`` dependency that this FastAPI runs after
the answer is sent, so a client could read the old state right after a 201, and a commit
that failed would have followed an answer of success.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from service.audit.models import AuditEvent
from service.db import READ_ONLY
from service.demo.service import DEMO_PASSWORD
from service.main import create_app
from service.measures.service import get_measure, list_measures
from service.runtime import Runtime
from tests.service.api.conftest import (  # noqa: F401 - fixtures, used by name
    _demo_postgres_template,
    _demo_sqlite_template,
    _fast_password_hashing,
    clock,
    database_url,
)
from tests.service.web.conftest import csrf_of, sign_in

API = "/api/v1"
ROUNDS = 40  # five writes each: 200 answers in a row per backend
audit_events = AuditEvent.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Sighting:
    method: str
    path: str
    status: int
    visible: bool


class FirstSight:
    """ASGI wrapper: reads the trail's newest event when a write's success answer starts."""

    def __init__(self, app: Any, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self.watching = False
        self.sightings: list[Sighting] = []

    def newest_event(self) -> int:
        with self.runtime.engine.connect() as connection:
            return int(connection.execute(select(func.max(audit_events.c.seq))).scalar() or 0)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] == "GET" or not self.watching:
            await self.app(scope, receive, send)
            return
        before = self.newest_event()

        async def watched(message: Any) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                if 200 <= status < 300 or status == 303:
                    visible = self.newest_event() > before
                    self.sightings.append(Sighting(scope["method"], scope["path"], status, visible))
            await send(message)

        await self.app(scope, receive, watched)


@pytest.fixture
def watched(runtime: Runtime) -> Iterator[tuple[FirstSight, TestClient]]:
    app = FirstSight(create_app(runtime), runtime)
    with TestClient(app, follow_redirects=False) as client:  # type: ignore[arg-type]
        yield app, client


def _api_login(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post(
        f"{API}/auth/token",
        data={"grant_type": "password", "username": username, "password": DEMO_PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_every_write_is_committed_before_its_success_answer_starts(
    runtime: Runtime, watched: tuple[FirstSight, TestClient]
) -> None:
    app, client = watched
    with runtime.read() as connection:
        m01 = next(r.id for r in list_measures(connection) if r.code == "M-01")
        programme = get_measure(connection, m01).programme_id
    auth = _api_login(client, "ag.leitung")
    assert sign_in(client, "ag.leitung").status_code == 303
    token = csrf_of(client.get("/massnahmen/neu"))
    app.watching = True
    for n in range(ROUNDS):
        created = client.post(
            f"{API}/measures",
            json={"programme_id": programme, "code": f"RAW-A{n}", "title": f"Über die API {n}"},
            headers=auth,
        )
        assert created.status_code == 201, created.text
        edited = client.patch(
            created.headers["Location"],
            json={"title": f"Über die API {n}, geändert", "version": created.json()["version"]},
            headers=auth,
        )
        assert edited.status_code == 200, edited.text
        version = client.get(f"{API}/measures/{m01}", headers=auth).json()["version"]
        stepped = client.post(
            f"{API}/measures/{m01}/transitions",
            json={
                "event": "fortschritt_melden",
                "version": version,
                "data": {"fortschritt": 50 + n},
            },
            headers=auth,
        )
        assert stepped.status_code == 200, stepped.text
        form = client.post(
            "/massnahmen/neu",
            data={
                "arbeitspapier": str(programme),
                "kennung": f"RAW-W{n}",
                "titel": f"Über das Formular {n}",
                "oeffentlich": "ja",
                "csrf_token": token,
            },
        )
        assert form.status_code == 303, form.text
        step = client.post(
            f"/massnahmen/{m01}/schritte",
            data={
                "ereignis": "fortschritt_melden",
                "version": str(version + 1),
                "feld_fortschritt": str(51 + n),
                "csrf_token": token,
            },
        )
        assert step.status_code == 303, step.text
    app.watching = False
    answered = app.sightings
    assert len(answered) == 5 * ROUNDS
    unseen = [s for s in answered if not s.visible]
    assert unseen == [], f"{len(unseen)} Antworten vor dem Commit, z. B. {unseen[:3]}"


def test_a_write_whose_commit_fails_answers_an_error_and_changes_nothing(
    runtime: Runtime,
) -> None:
    """The commit is refused at the last moment (as a serialization failure or a full disk
    would): the client must learn that the write failed, and the measure must not exist."""
    failing = {"on": False}

    def refuse_commit(connection: Any) -> None:
        # Only the write's commit: reading the caller's token commits a read transaction.
        if failing["on"] and not connection.get_execution_options().get(READ_ONLY):
            raise RuntimeError("commit refused by the test")

    event.listen(runtime.engine, "commit", refuse_commit)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        auth = _api_login(client, "ag.leitung")
        with runtime.read() as connection:
            programme = get_measure(connection, 1).programme_id
        failing["on"] = True
        answer = client.post(
            f"{API}/measures",
            json={"programme_id": programme, "code": "RAW-X", "title": "Nie gespeichert"},
            headers=auth,
        )
        failing["on"] = False
    assert answer.status_code >= 500, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    with runtime.read() as connection:
        assert "RAW-X" not in {r.code for r in list_measures(connection)}
