"""A login names a person: an admin reading user records is a logged read.

The API, the Verwaltung pages and ``ratsflow user list`` call the same service reads, each
committing one ``user.read`` (naming the persons behind the logins shown) before the
record is shown; when it cannot be written, nothing is shown (503).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection
from typer.testing import CliRunner

from service.actor import Actor
from service.auth.deputies import name_deputy
from service.auth.service import actor_for, deactivate, set_roles, set_temporary_password
from service.cli import app as cli
from service.config import get_settings
from service.errors import AccessDenied
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY
from tests.service.api_calls import login
from tests.service.browser import signed_in
from tests.service.reads import audit_fails, reads

SUBJECT = "ag.mitglied"  # the login whose record the admin reads


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def api(served_app: FastAPI) -> Iterator[TestClient]:
    """The API on the session's app, serving the test's demo city (a client of its own)."""
    with TestClient(served_app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def web(demo: Runtime) -> Iterator[TestClient]:
    with signed_in(demo, "admin") as client:
        yield client


def ids(runtime: Runtime, username: str) -> tuple[int, int]:
    with runtime.read() as c:
        actor = actor_for(c, username)
    assert actor.user_id is not None and actor.person_id is not None
    return actor.user_id, actor.person_id


def record(api: TestClient, web: TestClient, door: str, user_id: int) -> httpx.Response:
    if door == "api":
        return api.get(f"/api/v1/users/{user_id}", headers=login(api, "admin"))
    return web.get(f"/verwaltung/benutzer/{user_id}")


@pytest.mark.parametrize("door", ["api", "web"])
def test_an_admin_reading_a_user_record_is_logged(
    demo: Runtime,
    api: TestClient,
    web: TestClient,
    door: str,
) -> None:
    user_id, person_id = ids(demo, SUBJECT)

    response = record(api, web, door, user_id)

    assert response.status_code == 200, response.text
    [read] = reads(demo, "user.read")
    assert read.actor_id == ids(demo, "admin")[0]
    assert (read.entity_id, read.persons) == (user_id, {person_id})


@pytest.mark.parametrize("door", ["api", "web"])
def test_a_user_record_whose_read_cannot_be_logged_answers_503_and_shows_nothing(
    demo: Runtime,
    api: TestClient,
    web: TestClient,
    door: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user_id, _ = ids(demo, SUBJECT)
    headers = login(api, "admin")
    audit_fails(monkeypatch)

    if door == "api":
        response = api.get(f"/api/v1/users/{user_id}", headers=headers)
    else:
        response = web.get(f"/verwaltung/benutzer/{user_id}")

    assert response.status_code == 503
    assert SUBJECT not in response.text


@pytest.mark.parametrize("door", ["api", "web", "cli"])
def test_the_list_of_users_is_logged_naming_the_persons_behind_them(
    demo: Runtime,
    api: TestClient,
    web: TestClient,
    door: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if door == "api":
        shown = api.get("/api/v1/users?limit=200", headers=login(api, "admin")).text
    elif door == "web":
        shown = web.get("/verwaltung").text
    else:
        monkeypatch.setenv("RATSFLOW_DATABASE_URL", demo.settings.database_url)
        monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
        get_settings.cache_clear()
        try:
            shown = CliRunner().invoke(cli, ["user", "list"]).output
        finally:
            get_settings.cache_clear()

    assert SUBJECT in shown
    [read] = reads(demo, "user.read")
    assert read.entity_id is None
    assert ids(demo, SUBJECT)[1] in read.persons
    assert read.actor_id == (None if door == "cli" else ids(demo, "admin")[0])


@pytest.mark.parametrize(
    "change",
    [
        lambda rt, c, a, u: deactivate(rt, c, a, u),
        lambda rt, c, a, u: set_roles(rt, c, a, u, ["ag_leitung"]),
        lambda rt, c, a, u: set_temporary_password(rt, c, a, u, "Vorlaeufig-2026!"),
        lambda rt, c, a, u: name_deputy(
            rt,
            c,
            a,
            user_id=u,
            deputy_username="admin",
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 9, 30),
        ),
    ],
    ids=["deactivate", "set_roles", "temporary_password", "name_deputy"],
)
def test_user_management_is_refused_by_the_service_itself_to_everyone_but_the_admin(
    demo: Runtime,
    change: Callable[[Runtime, Connection, Actor, int], object],
) -> None:
    user_id, _ = ids(demo, SUBJECT)
    with demo.read() as c:
        lead = actor_for(c, "ag.leitung")

    with pytest.raises(AccessDenied), demo.write() as c:
        change(demo, c, lead, user_id)
