"""A body's outbox holds only its own mail (issue 17), on SQLite and PostgreSQL: lists of
body A show none of body B's messages, and B's message ids are 404 for A's retry.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.actor import SYSTEM
from service.errors import NotFound
from service.outbox.repository import outbox
from service.outbox.service import read_messages, retry
from service.runtime import Runtime
from tests import factories
from tests.service.api_calls import login

NEIGHBOUR = "nachbarstadt"
OURS, THEIRS = "ilse@aschersleben.example", "nora@nachbarstadt.example"


def _dead_letter(runtime: Runtime, email: str) -> int:
    with runtime.write() as c:
        person_id = factories.reminder(runtime, c, email=email)
        return int(
            c.execute(
                outbox.update()
                .where(outbox.c.recipient_person_id == person_id)
                .values(status="failed", last_error="SMTP 550: unbekannt")
                .returning(outbox.c.id)
            ).scalar_one()
        )


@pytest.fixture
def api(served_app: FastAPI) -> Iterator[TestClient]:
    """The API on the session's app, serving the test's demo city (a client of its own)."""
    with TestClient(served_app, raise_server_exceptions=False) as client:
        yield client


def test_each_body_lists_and_retries_only_its_own_mail(demo: Runtime) -> None:
    other = demo.for_body(NEIGHBOUR)
    ours, theirs = _dead_letter(demo, OURS), _dead_letter(other, THEIRS)

    mine = {r.recipient_email for r in read_messages(demo, SYSTEM, ["failed"]).rows}
    there = [r.recipient_email for r in read_messages(other, SYSTEM).rows]
    assert OURS in mine and THEIRS not in mine
    assert there == [THEIRS]
    with demo.write() as c, pytest.raises(NotFound):
        retry(c, demo.chain_key, theirs, SYSTEM, demo.now())
    with demo.write() as c:
        retry(c, demo.chain_key, ours, SYSTEM, demo.now())
    with other.write() as c:
        retry(c, other.chain_key, theirs, SYSTEM, other.now())
    with demo.read() as c:
        statuses = dict(c.execute(select(outbox.c.id, outbox.c.status)).all())
    assert statuses[ours] == statuses[theirs] == "pending"


def test_through_the_api_the_neighbours_mail_is_not_there(demo: Runtime, api: TestClient) -> None:
    theirs = _dead_letter(demo.for_body(NEIGHBOUR), THEIRS)
    _dead_letter(demo, OURS)
    headers = login(api, "sitzungsdienst")

    listed = api.get("/api/v1/outbox", headers=headers, params={"limit": 200}).json()["items"]
    assert OURS in {i["recipient_email"] for i in listed}
    assert THEIRS not in {i["recipient_email"] for i in listed}
    assert theirs not in {i["id"] for i in listed}
    assert api.post(f"/api/v1/outbox/{theirs}/retry", headers=headers).status_code == 404
