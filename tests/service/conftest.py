"""The demo city as the app sees it: the runtime, an API client and an anonymous browser.

Any folder whose tests run on the demo city overrides ``on_demo_city`` (see the root
``conftest``); these fixtures then hand each test its own copy of the demo at 01.09.2026,
10:00, through the door it wants.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.auth import tokens
from service.config import get_settings
from service.demo.service import load_demo
from service.main import create_app
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY, DEMO_NOW, FakeClock
from tests.service.browser import SERVED, browser
from tests.service.cli_calls import FAST_HASHER


@pytest.fixture(scope="session")
def _served() -> FastAPI:
    """One app for the session: an app answers its first request only after FastAPI has
    built every route's state (a fifth of a second, once per app). It holds nothing of a
    test but the runtime, which ``demo`` attaches for the test and takes away after it
    (as tests/service/api/test_openapi_conformance.py does per module)."""
    app = create_app()
    SERVED.append(app)
    return app


@pytest.fixture
def demo(runtime: Runtime, clock: FakeClock, _served: FastAPI) -> Iterator[Runtime]:
    """The test's demo city, served by the session's app: ``browser`` and ``signed_in``
    on it ask that app instead of building one of their own."""
    assert clock.now == DEMO_NOW
    assert not load_demo(runtime).loaded, "die Demo sollte schon geladen sein"
    _served.state.runtime = runtime
    try:
        yield runtime
    finally:
        del _served.state.runtime


@pytest.fixture
def served_app(demo: Runtime, _served: FastAPI) -> FastAPI:
    """The test's server on its demo city: every client of a test asks it, as the callers
    of one server do."""
    return _served


@pytest.fixture
def client(served_app: FastAPI) -> Iterator[TestClient]:
    """The API: server errors become answers, so their bodies can be checked for leaks too."""
    with TestClient(served_app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def anonymous(demo: Runtime) -> Iterator[TestClient]:
    """The web, as a visitor who has not signed in."""
    with browser(demo) as web:
        yield web


@pytest.fixture
def cli_runtime(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    """The commands read ``RATSFLOW_DATABASE_URL`` like in production: the test's database."""
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    monkeypatch.setattr(tokens, "hasher", lambda: FAST_HASHER)
    get_settings.cache_clear()
    try:
        yield runtime
    finally:
        get_settings.cache_clear()
