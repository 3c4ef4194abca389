"""The outbox names each recipient's e-mail address: listing it is a logged read.

The API and ``ratsflow outbox list`` call the same service read, which commits one
``outbox.read`` naming the recipients shown before the list is returned, and returns
nothing (503) when that cannot be written.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.actor import SYSTEM
from service.auth.service import actor_for
from service.cli import app as cli
from service.config import get_settings
from service.outbox.repository import outbox
from service.outbox.service import retry
from service.runtime import Runtime
from tests import factories
from tests.conftest import CHAIN_KEY
from tests.service.api_calls import assert_problem, login
from tests.service.chain_first import row_is_free, while_chain_held
from tests.service.reads import audit_fails, reads

ADDRESS = "ilse.irrlauf@aschersleben.example"


@pytest.fixture
def recipient(demo: Runtime) -> int:
    """A person whose reminder could not be delivered (a dead letter in the outbox)."""
    with demo.write() as c:
        person_id = factories.reminder(demo, c, email=ADDRESS)
        c.execute(
            outbox.update()
            .where(outbox.c.recipient_person_id == person_id)
            .values(status="failed", last_error="SMTP 550: unbekannt")
        )
    return person_id


@pytest.fixture
def api(served_app: FastAPI) -> Iterator[TestClient]:
    """The API on the session's app, serving the test's demo city (a client of its own)."""
    with TestClient(served_app, raise_server_exceptions=False) as client:
        yield client


def test_listing_the_outbox_is_logged_naming_the_recipients(
    demo: Runtime, api: TestClient, recipient: int
) -> None:
    response = api.get("/api/v1/outbox?status=failed", headers=login(api, "sitzungsdienst"))

    assert response.status_code == 200
    assert [i["recipient_email"] for i in response.json()["items"]] == [ADDRESS]
    [read] = reads(demo, "outbox.read")
    with demo.read() as c:
        assert read.actor_id == actor_for(c, "sitzungsdienst").user_id
    assert read.persons == {recipient}


def test_an_outbox_list_that_cannot_be_logged_answers_503_and_shows_no_address(
    api: TestClient, recipient: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = login(api, "admin")
    audit_fails(monkeypatch)

    response = api.get("/api/v1/outbox", headers=headers)

    assert_problem(response, 503)
    assert ADDRESS not in response.text


def test_an_empty_outbox_page_shows_nobody_and_logs_nothing(
    demo: Runtime, api: TestClient, recipient: int
) -> None:
    response = api.get("/api/v1/outbox?status=sent", headers=login(api, "admin"))

    assert response.json()["items"] == []
    assert reads(demo, "outbox.read") == []


def test_the_command_line_outbox_list_is_logged_as_the_system(
    demo: Runtime, recipient: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", demo.settings.database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["outbox", "list", "--failed"])
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert ADDRESS in result.output
    [read] = reads(demo, "outbox.read")
    assert read.actor_id is None and read.persons == {recipient}


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.postgres
def test_resending_a_dead_letter_waits_for_the_chain_lock_before_it_touches_the_row(
    demo: Runtime, recipient: int
) -> None:
    with demo.read() as c:
        message_id = (
            c.execute(outbox.select().where(outbox.c.recipient_person_id == recipient)).one().id
        )

    def act() -> None:
        with demo.write() as c:
            retry(c, demo.chain_key, message_id, SYSTEM, demo.now())

    waiting = while_chain_held(demo, act, lambda: row_is_free(demo, "outbox", message_id))
    assert waiting.changes == []
    assert waiting.probe, "the message was requeued before the chain lock"
