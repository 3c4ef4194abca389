"""Amounts in the API follow one rule (``workflow.values``, machine notation): a JSON number
or decimal text with a point, at most two decimals; answers carry text with two decimals."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from service.api.money import MONEY_OUT_PATTERN, MONEY_PATTERN
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, measure_ids
from workflow.values import (
    NEGATIVE,
    PLAIN_AMOUNT_HINT,
    POINT_IS_DECIMAL,
    TOO_LARGE,
    TOO_MANY_DECIMALS,
)


def test_money_is_stated_as_decimal_text_with_a_pattern_in_requests_and_answers(
    client: TestClient,
) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    asked = schemas["BudgetLineCreate"]["properties"]["one_off_planned"]["anyOf"][0]["anyOf"]
    given = schemas["BudgetLineOut"]["properties"]["one_off_planned"]["anyOf"][0]
    assert [a["type"] for a in asked] == ["number", "string"]
    assert asked[1]["pattern"] == MONEY_PATTERN
    assert (given["type"], given["pattern"]) == ("string", MONEY_OUT_PATTERN)


@pytest.mark.parametrize(
    ("amount", "refusal"),
    [
        ("12.500,00", PLAIN_AMOUNT_HINT),
        ("1e3", PLAIN_AMOUNT_HINT),
        (True, PLAIN_AMOUNT_HINT),
        ("-5", NEGATIVE),
        (-5, NEGATIVE),
        ("0.001", TOO_MANY_DECIMALS + POINT_IS_DECIMAL),
        ("12.500", TOO_MANY_DECIMALS + POINT_IS_DECIMAL),
        (12.505, TOO_MANY_DECIMALS),
        ("1000000000000", TOO_LARGE),
    ],
)
def test_money_other_than_the_one_rule_is_refused_in_the_words_of_step_data(
    client: TestClient, demo: Runtime, amount: object, refusal: str
) -> None:
    m01 = measure_ids(demo)["M-01"]
    lead = login(client, "ag.leitung")
    body = {"fiscal_year": 2031, "one_off_planned": amount}
    response = client.post(f"{API}/measures/{m01}/budget-lines", json=body, headers=lead)
    problem = assert_problem(response, 422)
    assert problem["detail"] == f"Ungültige Eingabe: one_off_planned: {refusal}"


def test_budget_line_amounts_refused_json_numbers_that_step_data_and_measure_fields_take(
    client: TestClient, demo: Runtime
) -> None:
    m01 = measure_ids(demo)["M-01"]
    lead = login(client, "ag.leitung")
    body = {"fiscal_year": 2031, "one_off_planned": 12500, "recurring_planned": 0.5}
    created = client.post(f"{API}/measures/{m01}/budget-lines", json=body, headers=lead)
    assert created.status_code == 201, created.text
    line = created.json()
    assert (line["one_off_planned"], line["recurring_planned"]) == ("12500.00", "0.50")

    changed = client.patch(
        f"{API}/budget-lines/{line['id']}", json={"one_off_planned": 99.9}, headers=lead
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["one_off_planned"] == "99.90"


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
