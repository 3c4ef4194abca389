"""Schemathesis against ``/openapi.json``: no 5xx, and every answer matches what is declared.

The app runs on a copy of the demo city (SQLite; the backends are covered by the other API
tests) and is called in-process. Each operation is tried anonymously and as the AG lead,
with a bounded number of generated examples so that the suite stays within its time budget.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from service.config import Settings
from service.db import make_engine
from service.demo.service import DEMO_PASSWORD
from service.main import create_app
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY, DEMO_NOW, FakeClock

EXAMPLES_PER_OPERATION = 10
STATEFUL_SEQUENCES = 30
# What is asserted: no 5xx, and status, content type, headers and body as declared. Left out
# are the checks that a schema-valid request must succeed and a schema-violating one must
# fail: a wrong old password or an unknown deputy is schema-valid and rightly a 422, and
# pydantic's lax mode reads 0 as false on purpose.
NOT_ASSERTED = [
    checks.positive_data_acceptance,
    checks.negative_data_rejection,
]


# The schema is read from an app at import time (schemathesis' lazy fixture loader does not
# work with pytest 9.2); its database is attached per module by ``demo_database`` below.
app = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


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
def ag_lead_token(demo_database: Runtime) -> str:
    client = TestClient(app)
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "ag.leitung", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_anonymous_callers_as_declared(case: schemathesis.Case) -> None:
    case.call_and_validate(excluded_checks=NOT_ASSERTED)


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_the_ag_lead_as_declared(
    case: schemathesis.Case, ag_lead_token: str
) -> None:
    # Logging the shared token out would turn every later case into a 401.
    signed_in = case.path != "/api/v1/auth/logout"
    headers = {"Authorization": f"Bearer {ag_lead_token}"} if signed_in else {}
    case.call_and_validate(headers=headers, excluded_checks=NOT_ASSERTED)


def test_linked_sequences_of_calls_answer_as_declared(ag_lead_token: str) -> None:
    """The stateful phase: sequences that follow the document's links (create, then read,
    edit, delete what was created) as the AG lead, checked like the single calls."""

    class SignedIn(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
            if case.path == "/api/v1/auth/logout":
                return {}
            return {"headers": {"Authorization": f"Bearer {ag_lead_token}"}}

        def validate_response(
            self, response: object, case: schemathesis.Case, **kwargs: object
        ) -> None:
            case.validate_response(response, excluded_checks=NOT_ASSERTED)

    SignedIn.run(
        settings=settings(
            max_examples=STATEFUL_SEQUENCES,
            stateful_step_count=5,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
