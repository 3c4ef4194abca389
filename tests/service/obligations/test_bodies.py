"""Obligations and statement tasks stay in their body: the Nachbarstadt's duty is not seen,
read or fulfilled through the demo city, and its own list holds only its own (both
backends)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.obligations.service import insert_obligation
from service.runtime import Runtime
from service.statements.service import insert_statement
from tests import factories
from tests.service.api_calls import API, assert_problem, login
from tests.service.browser import signed_in
from tests.service.neighbour import PREFIX, neighbour

DUTY = "Radwegekonzept jährlich fortschreiben"


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def api(served_app: FastAPI) -> Any:
    """The API on the session's app, serving the test's demo city (a client of its own)."""
    with TestClient(served_app, raise_server_exceptions=False) as client:
        yield client


def test_a_duty_and_a_rejection_of_another_body_stay_there(api: TestClient, demo: Runtime) -> None:
    other = neighbour(demo)
    with other.runtime.write() as c:
        duty = insert_obligation(
            other.runtime,
            c,
            SYSTEM,
            paper_id=other.paper_id,
            title=DUTY,
            description=None,
            responsible_role="sitzungsdienst",
            due_on=date(2026, 10, 1),
            every_months=12,
        )
        dsb = factories.user(other.runtime, "datenschutz", connection=c)
        rejection = insert_statement(
            other.runtime,
            c,
            dsb,
            measure_id=other.measure_id,
            kind="datenschutz",
            outcome="ablehnend",
            given_on=date(2026, 8, 31),
        )

    office = login(api, "sitzungsdienst")
    assert DUTY not in api.get(f"{API}/obligations", headers=office).text
    assert_problem(api.get(f"{API}/obligations/{duty}", headers=office), 404)
    fulfil = {"reference": "Beschluss NB/0002/26"}
    assert_problem(
        api.post(f"{API}/obligations/{duty}/fulfilments", json=fulfil, headers=office), 404
    )
    listed = signed_in(demo, "sitzungsdienst").get("/pflichten")
    assert listed.status_code == 200 and "Halbjährliche Information" in listed.text
    assert DUTY not in listed.text
    weigh = f"{API}/measures/{other.measure_id}/statements/{rejection}/weighing"
    assert_problem(
        api.post(weigh, json={"reason": "Nutzen überwiegt."}, headers=login(api, "dezernent")),
        404,
    )

    own = api.get(f"{PREFIX}/obligations", headers=other.auth)
    assert [d["title"] for d in own.json()] == [DUTY]
