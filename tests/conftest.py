"""Database fixtures: every database test runs on SQLite and on PostgreSQL.

The migrated schema is built once per session and backend (per xdist worker) and cloned for
each test: PostgreSQL copies a template database (``CREATE DATABASE x TEMPLATE t``), SQLite
copies the template file. Each test therefore gets a database of its own, migrated and
empty; PostgreSQL clones are made ahead in background threads and dropped in background
threads as well, so a test rarely waits for either. A test with a ``runtime`` gets its clone
from a second template that ``prepare_database`` has already prepared once (body and
definitions stored, as each test did for itself before): preparing an already prepared
database changes nothing, but running Alembic for it cost every test some 25 ms.

Tests that run on the demo city (Stadt Aschersleben, VII/0680/24, M-01..M-09) say so by
overriding ``on_demo_city`` (a folder in its ``conftest.py``, or a module): their database
is then a clone of a template that holds the demo (prepared as well), and their clock stands
at ``DEMO_NOW``. Loading the demo replays about 300 audited steps; it happens once per session
and backend (per xdist worker), because the templates are defined here, once.

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
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from xdist.scheduler import LoadScopeScheduling

from service.auth import tokens
from service.bootstrap import prepare_database
from service.config import Settings
from service.db import make_engine
from service.definitions import registry as definitions_registry
from service.definitions import service as definitions_service
from service.demo.service import load_demo
from service.migrate import upgrade
from service.runtime import Runtime
from workflow import loader

CHAIN_KEY = "aschersleben"
START = datetime(2024, 1, 8, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
# 01.09.2026, 10:00 in Aschersleben: after every step of the demo's history.
DEMO_NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

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


# The kinds of template database, each cloned for tests: migrated and empty; prepared as a
# ``runtime`` finds it (the deployment's body and the shipped definitions stored); the demo.
MIGRATED, PREPARED, DEMO = "migrated", "prepared", "demo"


class _Postgres:
    """Creates and drops databases through autocommit connections to ``postgres``.

    ``CREATE DATABASE ... TEMPLATE`` takes about 0.4 s of mostly waiting on a busy machine,
    but runs well in parallel, so clones of each template are made ahead in background
    threads: a test takes a ready one and hands it back to be dropped in the background as
    well.
    """

    AHEAD = 2  # clones of each template being made ahead of the tests that will take them
    CREATORS = 3  # concurrent creations, for the clones of every template
    # Every DROP DATABASE waits for a checkpoint of its own, which concurrent drops share: with
    # 4 of them the drops fell behind the tests on a busy machine, and the last test of a
    # worker waited a minute for the backlog (173 PostgreSQL tests: 136 s, with 12: 51 s).
    DROPPERS = 16

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.error: str | None = None
        self.templates: dict[str, str] = {}
        self._creating = ThreadPoolExecutor(self.CREATORS, thread_name_prefix="pg-create")
        self._dropping = ThreadPoolExecutor(self.DROPPERS, thread_name_prefix="pg-drop")
        self._ready: dict[str, deque[Future[str]]] = {}
        self._drops: list[Future[None]] = []

    def connect(self) -> Engine:
        if self.engine is None and self.error is None:
            engine = create_engine(
                f"{PG_SERVER}/postgres",
                isolation_level="AUTOCOMMIT",
                connect_args={"connect_timeout": 3},
                # A connection per statement: waiting drops hold one each, idle ones none.
                poolclass=NullPool,
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

    def template(self, kind: str, fill: Callable[[str], None], base: str | None = None) -> str:
        """The template of ``kind``, made on its first use (once per session and xdist
        worker): a clone of the template ``base`` (else an empty database) that ``fill`` is
        given the URL of and must leave without an open connection. From then on, clones of
        it are made ahead."""
        if kind not in self.templates:
            name = self.clone(base) if base else self.create(f"ratsflow_tmpl_{uuid.uuid4().hex}")
            try:
                fill(self.url(name))
            except BaseException:
                self.release(name)
                raise
            self.templates[kind] = name
            self._ready[kind] = deque()
            for _ in range(self.AHEAD):
                self._schedule(kind)
        return self.templates[kind]

    def _schedule(self, kind: str) -> None:
        name = f"ratsflow_test_{uuid.uuid4().hex}"
        self._ready[kind].append(self._creating.submit(self.create, name, self.templates[kind]))

    def clone(self, kind: str = MIGRATED) -> str:
        """A fresh database made from the template of ``kind``, for one test; the migrated
        schema's template is built here on first use, the others by their fixtures."""
        self.connect()
        if kind == MIGRATED:
            # upgrade disposes its engine: a template needs no open sessions
            self.template(MIGRATED, upgrade)
        name = self._ready[kind].popleft().result()
        self._schedule(kind)
        return name

    def release(self, name: str) -> None:
        self._drops.append(self._dropping.submit(self.drop, name))

    def close(self) -> None:
        for ready in self._ready.values():
            for future in ready:
                if future.exception() is None:
                    self.release(future.result())
        for name in self.templates.values():
            self.release(name)
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


def _sqlite_file(folder: Path, fill: Callable[[str], None], base: Path | None = None) -> Path:
    """A template file: a copy of ``base`` (else a new file) filled by ``fill``, with its WAL
    folded into the main file, so that one file is the whole database."""
    path = folder / "template.db"
    if base is not None:
        shutil.copyfile(base, path)
    fill(f"sqlite:///{path}")
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return path


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _sqlite_file(tmp_path_factory.mktemp("sqlite-template"), upgrade)


# --- prepared as a runtime finds it ----------------------------------------------------------


def _prepare(url: str) -> None:
    """What the ``runtime`` fixture did for each test: ``prepare_database`` at ``START``."""
    settings = Settings(database_url=url, chain_key=CHAIN_KEY)
    runtime = Runtime(settings, make_engine(url), FakeClock(START))
    try:
        prepare_database(runtime)
    finally:
        runtime.engine.dispose()


@pytest.fixture(scope="session")
def _prepared_sqlite_template(
    _sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory, _parsed_once: None
) -> Path:
    return _sqlite_file(tmp_path_factory.mktemp("sqlite-prepared"), _prepare, _sqlite_template)


@pytest.fixture(scope="session")
def _prepared_postgres_template(_postgres: _Postgres, _parsed_once: None) -> str:
    return _postgres.template(PREPARED, _prepare, base=MIGRATED)


# --- the demo city ---------------------------------------------------------------------------

# Passwords are hashed with cheap argon2id parameters on the demo city (for its templates and
# in each of its tests): the login behaviour under test is the same, but a verification
# costs 2 ms instead of 250 ms.
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
def _demo_sqlite_template(
    _sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory, _parsed_once: None
) -> Path:
    return _sqlite_file(tmp_path_factory.mktemp("sqlite-demo"), _load_demo, _sqlite_template)


@pytest.fixture(scope="session")
def _demo_postgres_template(_postgres: _Postgres, _parsed_once: None) -> str:
    return _postgres.template(DEMO, _load_demo, base=MIGRATED)


# --- per test ------------------------------------------------------------------------------

# Set by ``database_url`` on a test whose clone ``prepare_database`` has already prepared.
_PREPARED = pytest.StashKey[bool]()


@pytest.fixture
def on_demo_city() -> bool:
    """Whether the test's database holds the demo city; overridden to say yes by the folders
    and modules whose tests run on it."""
    return False


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, on_demo_city: bool
) -> Iterator[str]:
    """A migrated database of this test's own, on each backend: empty, or the demo city.

    For a test with a ``runtime``, the empty one is also prepared already (body and
    definitions stored, as the ``runtime`` fixture would store them)."""
    kind = DEMO if on_demo_city else PREPARED if "runtime" in request.fixturenames else MIGRATED
    request.node.stash[_PREPARED] = kind != MIGRATED
    if request.param == "sqlite":
        template: Path = request.getfixturevalue(
            {
                DEMO: "_demo_sqlite_template",
                PREPARED: "_prepared_sqlite_template",
                MIGRATED: "_sqlite_template",
            }[kind]
        )
        target = tmp_path / "ratsflow.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    postgres: _Postgres = request.getfixturevalue("_postgres")
    if kind == DEMO:
        request.getfixturevalue("_demo_postgres_template")
    elif kind == PREPARED:
        request.getfixturevalue("_prepared_postgres_template")
    name = postgres.clone(kind)
    try:
        yield postgres.url(name)
    finally:
        postgres.release(name)


@pytest.fixture(autouse=True)
def _fast_password_hashing(on_demo_city: bool) -> Iterator[None]:
    # Per test, so that tests elsewhere in the same worker keep the real parameters.
    if not on_demo_city:
        yield
        return
    with _fast_hashing():
        yield


@pytest.fixture
def clock(on_demo_city: bool) -> FakeClock:
    return FakeClock(DEMO_NOW if on_demo_city else START)


@pytest.fixture(scope="session")
def _parsed_once() -> Iterator[None]:
    """Every test stores and loads the same definition texts; parse each text only once.

    Parsing with line numbers (ruamel.yaml) costs about 50 ms a file: when storing the
    shipped files, and again for each runtime's registry (built from the stored texts, in
    the test's runtime and in every runtime a command or a server of the test makes).
    Specs are immutable, and a failing parse raises every time as before (not cached).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(definitions_service, "parse_text", functools.cache(loader.parse_text))
        patch.setattr(definitions_registry, "parse_text", functools.cache(loader.parse_text))
        yield


@pytest.fixture
def runtime(
    request: pytest.FixtureRequest, database_url: str, clock: FakeClock, _parsed_once: None
) -> Iterator[Runtime]:
    """A runtime on the test's database, migrated and with the shipped definitions."""
    settings = Settings(database_url=database_url, chain_key=CHAIN_KEY)
    rt = Runtime(settings, make_engine(database_url), clock)
    if not request.node.stash.get(_PREPARED, False):
        prepare_database(rt)  # a database of the test's own making (see ``database_url``)
    try:
        yield rt
    finally:
        rt.engine.dispose()


@pytest.fixture
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


# --- xdist: tests that share one worker ---------------------------------------------------

# Tests whose expensive session or module fixtures are worth making once run on one worker
# (``pytest -n``), by the start of their node id: the browser tests (one Chromium, one
# server, and the pages test_layout has had axe check stay checked for its other users;
# split over two workers, axe ran half again as often), the Schemathesis module (its
# database and tokens) and the generated client (the generator runs once).
SHARED_WORKER = {
    "tests/e2e/web/": "browser",
    "tests/service/api/test_openapi_conformance.py": "openapi-conformance",
    "tests/service/api/test_generated_client.py": "generated-client",
}


class _SharedWorkerScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist is untyped
    """``--dist load``, except that each group of ``SHARED_WORKER`` goes to one worker as a
    whole, the largest first; every other test is a unit of its own, handed out as workers
    run short. (``--dist loadgroup`` with ``xdist_group`` marks would say the same, but
    pytest 9.2 ignores the node ids xdist 3.8 rewrites for it: pytest-xdist issue 1386.)"""

    def _split_scope(self, nodeid: str) -> str:
        return next((g for start, g in SHARED_WORKER.items() if nodeid.startswith(start)), nodeid)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    if config.getvalue("dist") != "load":  # another mode asked for by name
        return None
    return _SharedWorkerScheduling(config, log)
