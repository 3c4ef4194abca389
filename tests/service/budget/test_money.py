"""Amounts in the API are decimal text with a stated pattern, in requests and answers alike."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from service.api.money import MONEY_OUT_PATTERN, MONEY_PATTERN
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, measure_ids


def test_money_is_stated_as_decimal_text_with_a_pattern_in_requests_and_answers(
    client: TestClient,
) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    asked = schemas["BudgetLineCreate"]["properties"]["one_off_planned"]["anyOf"][0]
    given = schemas["BudgetLineOut"]["properties"]["one_off_planned"]["anyOf"][0]
    assert (asked["type"], asked["pattern"]) == ("string", MONEY_PATTERN)
    assert (given["type"], given["pattern"]) == ("string", MONEY_OUT_PATTERN)


@pytest.mark.parametrize("amount", [12500, 12500.5, "12.500,00", "1e3", "-5", "0.001", " 5"])
def test_money_other_than_decimal_text_is_refused_in_german(
    client: TestClient, demo: Runtime, amount: object
) -> None:
    m01 = measure_ids(demo)["M-01"]
    lead = login(client, "ag.leitung")
    body = {"fiscal_year": 2031, "one_off_planned": amount}
    response = client.post(f"{API}/measures/{m01}/budget-lines", json=body, headers=lead)
    problem = assert_problem(response, 422)
    assert "Betrag in Euro als Text" in problem["detail"]


def test_money_as_decimal_text_is_stored_and_answered_with_two_decimals(
    client: TestClient, demo: Runtime
) -> None:
    m01 = measure_ids(demo)["M-01"]
    lead = login(client, "ag.leitung")
    body = {"fiscal_year": 2031, "one_off_planned": "12500", "recurring_planned": "0.5"}
    response = client.post(f"{API}/measures/{m01}/budget-lines", json=body, headers=lead)
    assert response.status_code == 201, response.text
    line = response.json()
    assert (line["one_off_planned"], line["recurring_planned"]) == ("12500.00", "0.50")
    for value in (line["one_off_planned"], line["recurring_planned"]):
        assert re.fullmatch(MONEY_OUT_PATTERN, value)
