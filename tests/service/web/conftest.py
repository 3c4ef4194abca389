"""Web page tests run on the demo city, like the API tests (same templates, same clock).

The demo database fixtures are shared with ``tests/service/api``: importing them here
makes them available to this folder as well, so both suites clone the same templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from service.demo.service import DEMO_PASSWORD, load_demo
from service.main import create_app
from service.runtime import Runtime
from tests.conftest import FakeClock
from tests.service.api.conftest import (  # noqa: F401 - fixtures, used by name
    DEMO_NOW,
    _demo_postgres_template,
    _demo_sqlite_template,
    _fast_password_hashing,
    clock,
    database_url,
)

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@pytest.fixture
def demo(runtime: Runtime, clock: FakeClock) -> Runtime:  # noqa: F811 - the imported clock
    assert clock.now == DEMO_NOW
    assert not load_demo(runtime).loaded, "die Demo sollte schon geladen sein"
    return runtime


def browser(runtime: Runtime, base_url: str = "http://testserver") -> TestClient:
    """A client that keeps cookies like a browser and does not follow redirects."""
    return TestClient(
        create_app(runtime), base_url=base_url, follow_redirects=False, raise_server_exceptions=True
    )


@pytest.fixture
def anonymous(demo: Runtime) -> Iterator[TestClient]:
    with browser(demo) as client:
        yield client


def csrf_of(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    assert match, "Seite ohne CSRF-Feld"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> httpx.Response:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"benutzername": username, "passwort": password, "csrf_token": csrf_of(page)},
    )


def signed_in(runtime: Runtime, username: str) -> TestClient:
    client = browser(runtime)
    response = sign_in(client, username)
    assert response.status_code == 303, response.text
    return client


def post_form(
    client: TestClient, page_url: str, action: str, data: dict[str, str]
) -> httpx.Response:
    """Posts like a browser: with the CSRF token of the page the form was on."""
    token = csrf_of(client.get(page_url))
    return client.post(action, data={**data, "csrf_token": token})
