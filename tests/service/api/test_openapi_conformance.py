"""Schemathesis against ``/openapi.json``: every check, positive and negative data, the
stateful phase; anonymously and signed in as the AG lead and as the Sitzungsdienst.

The app runs on a copy of the demo city (SQLite; the backends are covered by the other API
tests) and is called in-process. Every operation gets a bounded number of generated examples,
so that the module stays within its time budget (about a minute).

Every check of Schemathesis is asserted, the data checks included: a request the schema
allows is never refused as malformed, and a request it forbids is never accepted. One
thing no schema can state is what the database holds (a person id that names nobody, a
transition the item's state does not allow, the right old password): the server refuses
such a request with a problem of its own kind (``angaben-fehlen``, ``passwort-abgelehnt``,
``nicht-speicherbar`` for a NUL in a text ...), never as ``eingabe-ungueltig``, the kind of
a request that fails its schema. So a schema-valid request may meet a 422 of the service's
rules, but never one of the schema's.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.config import PositiveDataAcceptanceConfig

from service.config import Settings
from service.db import make_engine
from service.demo.service import DEMO_PASSWORD
from service.main import create_app
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY, DEMO_NOW, FakeClock

EXAMPLES_PER_OPERATION = 6
STATEFUL_SEQUENCES = 20
SCHEMA_REFUSAL = "/probleme/eingabe-ungueltig"
SIGNED_IN = ("ag.leitung", "sitzungsdienst")
# Rendering and issuing a PDF report takes seconds on a busy machine (the default is 10).
REPORT_TIMEOUT = 120

# The schema is read from an app at import time (schemathesis' lazy fixture loader does not
# work with pytest 9.2); its database is attached per module by ``demo_database`` below.
# Read from the app object, not by ``from_asgi``: that asks /openapi.json inside the app's
# lifespan, which, with no runtime attached yet, built one from the default settings and
# started the embedded scheduler against ``var/ratsflow.db`` for the rest of the session.
app = create_app()
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(app.openapi())))
schema.app = app
schema.location = "/openapi.json"
# The coverage phase tries every boundary of every parameter, unbounded by the number of
# examples; the examples and fuzzing phases are bounded (EXAMPLES_PER_OPERATION).
schema.config.phases.coverage.enabled = False
# A schema-valid request may be refused by a rule of the service (422, see above); that it
# is never refused by the schema's gate is asserted by ``valid_data_passes_the_schema_gate``.
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=["2xx", "401", "403", "404", "409", "422", "429"]
)


@schemathesis.check
def valid_data_passes_the_schema_gate(ctx: Any, response: Any, case: schemathesis.Case) -> None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return
    if any(value is None for value in (case.path_parameters or {}).values()):
        return  # a link the stateful phase could not resolve (sent as "None"): not our data
    kind = response.json().get("type")
    assert kind != SCHEMA_REFUSAL, f"Gültige Daten als ungültig abgewiesen: {response.text}"


@pytest.fixture(scope="module", autouse=True)
def demo_database(
    _demo_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runtime]:
    path = tmp_path_factory.mktemp("conformance") / "ratsflow.db"
    shutil.copyfile(_demo_sqlite_template, path)
    url = f"sqlite:///{path}"
    runtime = Runtime(
        Settings(database_url=url, chain_key=CHAIN_KEY), make_engine(url), FakeClock(DEMO_NOW)
    )
    app.state.runtime = runtime
    try:
        yield runtime
    finally:
        del app.state.runtime
        runtime.engine.dispose()


@pytest.fixture(scope="module")
def tokens(demo_database: Runtime) -> dict[str, str]:
    client = TestClient(app)
    found = {}
    for username in SIGNED_IN:
        response = client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": DEMO_PASSWORD},
        )
        assert response.status_code == 200, response.text
        found[username] = response.json()["access_token"]
    return found


def _copy_database(source: Path, target: Path) -> None:
    """The whole SQLite database: its file after folding the log in; no connection of the
    app may be open (dispose its engine first)."""
    with sqlite3.connect(source) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    shutil.copyfile(source, target)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def _headers(case: schemathesis.Case, token: str | None) -> dict[str, str]:
    # Logging the shared token out would turn every later case into a 401.
    if token is None or case.path == "/api/v1/auth/logout":
        return {}
    return {"Authorization": f"Bearer {token}"}


BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@schema.parametrize()
@BOUNDED
@pytest.mark.parametrize("caller", [None, *SIGNED_IN])
def test_every_operation_answers_as_declared(
    case: schemathesis.Case, caller: str | None, tokens: dict[str, str]
) -> None:
    token = tokens[caller] if caller else None
    case.call_and_validate(headers=_headers(case, token), timeout=REPORT_TIMEOUT)


@pytest.mark.parametrize("caller", SIGNED_IN)
def test_linked_sequences_of_calls_answer_as_declared(
    tokens: dict[str, str], caller: str, demo_database: Runtime, tmp_path: Path
) -> None:
    """The stateful phase: sequences that follow the document's links (create, then read,
    edit, delete what was created), checked like the single calls."""
    token = tokens[caller]
    # Every sequence starts from the city as it stood before the first: which links a
    # sequence can follow depends on what earlier calls answered, so a sequence that
    # Hypothesis replays must meet the same data, or it draws differently and the run
    # fails as "inconsistent data generation" (what a shared, changing database did).
    start = demo_database.engine.url.database
    assert start is not None
    saved = tmp_path / "start.db"
    demo_database.engine.dispose()
    _copy_database(Path(start), saved)

    class SignedIn(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            demo_database.engine.dispose()
            _copy_database(saved, Path(start))

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
            return {"headers": _headers(case, token), "timeout": REPORT_TIMEOUT}

    SignedIn.run(
        settings=settings(
            max_examples=STATEFUL_SEQUENCES,
            stateful_step_count=5,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )


def test_reading_the_schema_starts_no_scheduler_on_the_default_database() -> None:
    # Importing this module once started the embedded scheduler on ``var/ratsflow.db`` (a
    # developer's own database after ``make run``), and its failing election printed
    # tracebacks whose parsing raced pytest's (``SystemError: AST constructor recursion
    # depth mismatch`` while collecting another module).
    assert not any(t.name == "ratsflow-election" for t in threading.enumerate())
