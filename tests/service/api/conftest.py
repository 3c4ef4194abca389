"""API tests run on the demo city: loaded once per backend (and xdist worker), then cloned.

``database_url`` is overridden here so that every test in this folder starts from a migrated
database that already holds the demo (Stadt Aschersleben, VII/0680/24, M-01..M-09), copied
from a template the same way the root ``conftest`` copies the empty schema. Loading the
demo replays about 300 audited steps; doing that once instead of per test keeps the suite
fast on both backends.

Passwords are hashed with cheap argon2id parameters here (for the demo templates and in each
test of this folder): the login behaviour under test is the same, but a verification costs
2 ms instead of 250 ms.

The PostgreSQL side builds on the root ``conftest``'s ``_Postgres`` helper (``clone``,
``create``, ``url``, ``release``).
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from service.auth import tokens
from service.bootstrap import prepare_database
from service.config import Settings
from service.db import make_engine
from service.demo.service import load_demo
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY, FakeClock, _Postgres

# 01.09.2026, 10:00 in Aschersleben: after every step of the demo's history.
DEMO_NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
_FAST = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


@contextmanager
def _fast_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tokens, "hasher", lambda: _FAST)
        tokens._dummy_hash.cache_clear()
        try:
            yield
        finally:
            tokens._dummy_hash.cache_clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    # Per test, so that tests elsewhere in the same worker keep the real parameters.
    with _fast_hashing():
        yield


def _load_demo(url: str) -> None:
    settings = Settings(database_url=url, chain_key=CHAIN_KEY)
    runtime = Runtime(settings, make_engine(url), FakeClock(DEMO_NOW))
    try:
        with _fast_hashing():
            prepare_database(runtime)
            assert load_demo(runtime).loaded
    finally:
        runtime.engine.dispose()


@pytest.fixture(scope="session")
def _demo_sqlite_template(_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-demo") / "demo.db"
    shutil.copyfile(_sqlite_template, path)
    _load_demo(f"sqlite:///{path}")
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return path


@pytest.fixture(scope="session")
def _demo_postgres_template(_postgres: _Postgres) -> Iterator[str]:
    name = _postgres.clone()  # migrated and empty, as for any test
    try:
        _load_demo(_postgres.url(name))
        yield name
    finally:
        _postgres.release(name)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own holding the demo, on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_demo_sqlite_template")
        target = tmp_path / "ratsflow.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    postgres: _Postgres = request.getfixturevalue("_postgres")
    template_name: str = request.getfixturevalue("_demo_postgres_template")
    name = postgres.create(f"ratsflow_test_{uuid.uuid4().hex}", template=template_name)
    try:
        yield postgres.url(name)
    finally:
        postgres.release(name)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(DEMO_NOW)
