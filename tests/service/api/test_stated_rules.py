"""Every rule the server enforces on a parameter is stated in the schema, and nothing the
schema forbids is accepted: sort orders are enums, cursors and periods have patterns,
passwords and roles their rules."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.keyset import CURSOR_PATTERN
from service.reports.period import PERIOD_PATTERN
from tests.service.api_calls import API, assert_problem, login

SORTED_LISTS = {
    "/committees": ["id", "-id", "name", "-name"],
    "/meetings": ["starts_at", "-starts_at", "id", "-id"],
    "/papers": ["id", "-id", "reference", "-reference", "created_at", "-created_at"],
    "/persons": ["family_name", "-family_name", "id", "-id"],
}


def _parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    parameters = document["paths"][API + path]["get"]["parameters"]
    schema: dict[str, Any] = next(p for p in parameters if p["name"] == name)["schema"]
    return schema


def test_the_schema_states_sort_orders_cursors_periods_roles_and_password_rules(
    client: TestClient,
) -> None:
    document = client.get("/openapi.json").json()
    for path, orders in SORTED_LISTS.items():
        assert _parameter(document, path, "sort")["enum"] == orders, path
        assert _parameter(document, path, "cursor")["pattern"] == CURSOR_PATTERN, path
    assert _parameter(document, "/reports/sachstand", "period")["pattern"] == PERIOD_PATTERN
    schemas = document["components"]["schemas"]
    assert schemas["IssueRequest"]["properties"]["period"]["pattern"] == PERIOD_PATTERN
    assert schemas["PasswordChange"]["properties"]["new_password"]["minLength"] == 10
    assert schemas["TemporaryPassword"]["properties"]["password"]["minLength"] == 10
    assert "ag_leitung" in schemas["UserCreate"]["properties"]["roles"]["items"]["enum"]


@pytest.mark.parametrize("path", sorted(SORTED_LISTS))
def test_a_sort_order_the_schema_does_not_name_is_refused_naming_the_allowed(
    client: TestClient, path: str
) -> None:
    office = login(client, "sitzungsdienst")
    response = client.get(API + path, params={"sort": "-title"}, headers=office)
    problem = assert_problem(response, 422, "eingabe-ungueltig")
    assert problem["fields"][0]["field"] == "sort"
    assert SORTED_LISTS[path][1] in problem["fields"][0]["message"]


@pytest.mark.parametrize("cursor", ["e30=!", "ä", "a b"])
def test_a_cursor_outside_its_pattern_is_refused_as_an_unknown_page(
    client: TestClient, cursor: str
) -> None:
    response = client.get(f"{API}/papers", params={"cursor": cursor})
    problem = assert_problem(response, 422, "eingabe-ungueltig")
    assert problem["fields"][0]["field"] == "cursor"
    assert "unbekannte Seite" in problem["detail"]


@pytest.mark.parametrize("period", [" 2024-H1", "2024-h1", "24-H1", "2024-H1 "])
def test_a_period_outside_its_pattern_is_refused(client: TestClient, period: str) -> None:
    lead = login(client, "ag.leitung")
    response = client.get(f"{API}/reports/sachstand", params={"period": period}, headers=lead)
    assert "kein Berichtszeitraum" in assert_problem(response, 422, "eingabe-ungueltig")["detail"]
