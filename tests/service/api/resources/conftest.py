"""Fixtures for the resource endpoints, on the demo city (see ``tests/service/api/conftest``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.demo.service import load_demo
from service.main import create_app
from service.runtime import Runtime
from tests.conftest import FakeClock
from tests.service.api.conftest import DEMO_NOW

# One demo user per role; "anonym" sends no token.
USERS = {
    "anonym": None,
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
}


@pytest.fixture
def demo(runtime: Runtime, clock: FakeClock) -> Runtime:
    assert clock.now == DEMO_NOW
    assert not load_demo(runtime).loaded, "die Demo sollte schon geladen sein"
    return runtime


@pytest.fixture
def client(demo: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(demo), raise_server_exceptions=False) as test_client:
        yield test_client
