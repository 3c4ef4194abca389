"""Database fixtures: every database test runs on SQLite and on PostgreSQL.

The migrated schema is built once per session and backend (per xdist worker) and cloned for
each test: PostgreSQL copies a template database (``CREATE DATABASE x TEMPLATE t``), SQLite
copies the template file. Each test therefore gets a database of its own, migrated and
empty; PostgreSQL clones are made ahead in background threads and dropped in background
threads as well, so a test rarely waits for either.

PostgreSQL is expected at 127.0.0.1:5432 with trust authentication (override with
``RATSFLOW_TEST_PG_HOST`` / ``RATSFLOW_TEST_PG_PORT``). When it does not answer, its tests
are skipped locally and fail in CI (``CI=true``): a green CI run always covers both backends.
"""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from service.bootstrap import prepare_database
from service.config import Settings
from service.db import make_engine
from service.definitions import service as definitions_service
from service.migrate import upgrade
from service.runtime import Runtime
from workflow import loader

CHAIN_KEY = "aschersleben"
START = datetime(2024, 1, 8, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)

PG_HOST = os.environ.get("RATSFLOW_TEST_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("RATSFLOW_TEST_PG_PORT", "5432")
PG_SERVER = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}"


class FakeClock:
    """A clock the test moves by hand; ``Runtime`` calls it like ``datetime.now(UTC)``."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


# --- PostgreSQL ----------------------------------------------------------------------------


class _Postgres:
    """Creates and drops databases through one autocommit connection pool to ``postgres``.

    ``CREATE DATABASE ... TEMPLATE`` takes about 0.4 s of mostly waiting, but runs well in
    parallel, so clones of the template are made ahead in background threads: a test takes a
    ready one and hands it back to be dropped in the background as well.
    """

    AHEAD = 2  # clones being made ahead of the tests that will take them
    DROPPERS = 4  # concurrent drops share the checkpoint each of them waits for

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.error: str | None = None
        self.template: str | None = None
        self._creating = ThreadPoolExecutor(self.AHEAD, thread_name_prefix="pg-create")
        self._dropping = ThreadPoolExecutor(self.DROPPERS, thread_name_prefix="pg-drop")
        self._ready: deque[Future[str]] = deque()
        self._drops: list[Future[None]] = []

    def connect(self) -> Engine:
        if self.engine is None and self.error is None:
            engine = create_engine(
                f"{PG_SERVER}/postgres",
                isolation_level="AUTOCOMMIT",
                connect_args={"connect_timeout": 3},
                pool_size=self.AHEAD + self.DROPPERS,
            )
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except OperationalError as exc:
                engine.dispose()
                self.error = str(exc.orig or exc).strip().splitlines()[0]
            else:
                self.engine = engine
        if self.engine is None:
            message = f"PostgreSQL antwortet nicht auf {PG_HOST}:{PG_PORT}: {self.error}"
            if os.environ.get("CI") == "true":
                pytest.fail(f"{message} (CI=true: PostgreSQL-Tests dürfen nicht entfallen)")
            pytest.skip(message)
        return self.engine

    def execute(self, sql: str) -> None:
        with self.connect().connect() as connection:
            connection.execute(text(sql))

    def url(self, name: str) -> str:
        return f"{PG_SERVER}/{name}"

    def create(self, name: str, template: str | None = None) -> str:
        clause = f' TEMPLATE "{template}"' if template else ""
        self.execute(f'CREATE DATABASE "{name}"{clause}')
        return name

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def prepare_template(self) -> None:
        """The migrated schema, built once per session (per xdist worker)."""
        if self.template is None:
            name = self.create(f"ratsflow_tmpl_{uuid.uuid4().hex}")
            self.template = name
            upgrade(self.url(name))  # disposes its engine: a template needs no open sessions
            for _ in range(self.AHEAD):
                self._schedule()

    def _schedule(self) -> None:
        assert self.template is not None
        name = f"ratsflow_test_{uuid.uuid4().hex}"
        self._ready.append(self._creating.submit(self.create, name, self.template))

    def clone(self) -> str:
        """A fresh database made from the template, for one test."""
        self.connect()
        self.prepare_template()
        name = self._ready.popleft().result()
        self._schedule()
        return name

    def release(self, name: str) -> None:
        self._drops.append(self._dropping.submit(self.drop, name))

    def close(self) -> None:
        for future in self._ready:
            if future.exception() is None:
                self.release(future.result())
        if self.template is not None:
            self.release(self.template)
        for dropping in self._drops:
            dropping.exception()
        self._creating.shutdown()
        self._dropping.shutdown()
        if self.engine is not None:
            self.engine.dispose()


@pytest.fixture(scope="session")
def _postgres() -> Iterator[_Postgres]:
    server = _Postgres()
    try:
        yield server
    finally:
        server.close()


# --- SQLite --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    # Fold the WAL into the main file, so that one file is the whole database.
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return path


# --- per test ------------------------------------------------------------------------------


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of this test's own, on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        target = tmp_path / "ratsflow.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    postgres: _Postgres = request.getfixturevalue("_postgres")
    name = postgres.clone()
    try:
        yield postgres.url(name)
    finally:
        postgres.release(name)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def _parsed_once() -> Iterator[None]:
    """Every test stores and loads the same definition texts; parse each text only once.

    Parsing with line numbers (ruamel.yaml) costs about 50 ms a file, four times per test.
    Specs are immutable, and a failing parse raises every time as before (not cached).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(definitions_service, "parse_text", functools.cache(loader.parse_text))
        yield


@pytest.fixture
def runtime(database_url: str, clock: FakeClock, _parsed_once: None) -> Iterator[Runtime]:
    """A runtime on the test's database, migrated and with the shipped definitions."""
    settings = Settings(database_url=database_url, chain_key=CHAIN_KEY)
    rt = Runtime(settings, make_engine(database_url), clock)
    prepare_database(rt)
    try:
        yield rt
    finally:
        rt.engine.dispose()


@pytest.fixture
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"
