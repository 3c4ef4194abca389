"""Request bodies are read as the contract states their types, nothing more lenient."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from service.api.logged_reads import api_routes
from service.api.payloads import Payload
from service.main import create_app
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, measure_ids


@pytest.fixture
def lead(client: TestClient) -> dict[str, str]:
    return login(client, "ag.leitung")


def _milestones(demo: Runtime) -> str:
    return f"{API}/measures/{measure_ids(demo)['M-01']}/milestones"


def test_a_number_for_a_date_is_refused_not_stored_as_1970(
    client: TestClient, demo: Runtime, lead: dict[str, str]
) -> None:
    """Regression: ``"done_on": 0`` stored a milestone done on 01.01.1970."""
    answer = client.post(_milestones(demo), json={"title": "Pilot", "done_on": 0}, headers=lead)
    body = assert_problem(answer, 422)
    assert body["fields"] == [
        {
            "field": "done_on",
            "label": "done_on",
            "message": "erwartet ein Datum als Text (JJJJ-MM-TT)",
        }
    ]
    done = client.post(
        _milestones(demo), json={"title": "Pilot", "done_on": "2026-08-31"}, headers=lead
    )
    assert done.status_code == 201, done.text
    assert done.json()["done_on"] == "2026-08-31"


@pytest.mark.parametrize(
    ("member", "value"), [("public", 0), ("public", "ja"), ("public", 1)], ids=str
)
def test_only_true_or_false_is_a_boolean(
    client: TestClient, lead: dict[str, str], member: str, value: Any
) -> None:
    """Regression: ``0`` was accepted for a boolean."""
    office = login(client, "sitzungsdienst")
    body = {"reference": "VII/0999/26", "title": "Probe", "competence": "§ 45", member: value}
    answer = client.post(f"{API}/papers", json=body, headers=office)
    assert assert_problem(answer, 422)["fields"][0]["message"] == "erwartet wahr oder falsch"


def test_a_whole_number_is_a_json_number(client: TestClient, lead: dict[str, str]) -> None:
    office = login(client, "sitzungsdienst")
    body = {"slug": "probe", "name": "Probe", "short_name": "P", "kind": "ausschuss"}
    rules = {"quorum_numerator": "1", "quorum_denominator": 2}
    answer = client.post(f"{API}/committees", json={**body, "vote_rules": rules}, headers=office)
    assert assert_problem(answer, 422)["fields"][0]["field"] == "vote_rules.quorum_numerator"


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        annotation = field.annotation
        for part in (*getattr(annotation, "__args__", ()), annotation):
            if inspect.isclass(part) and issubclass(part, BaseModel):
                _models(part, seen)


def test_every_json_request_body_is_a_payload() -> None:
    """A body model added later gets the same reading (or this fails)."""
    seen: set[type[BaseModel]] = set()
    for route in api_routes(create_app()):
        field = getattr(getattr(route, "original_route", route), "body_field", None)
        model = field.field_info.annotation if field is not None else None
        if inspect.isclass(model) and issubclass(model, BaseModel):
            _models(model, seen)
    # Form bodies (sign-in, the CSV upload) are FastAPI's own models of text fields.
    json_bodies = {m for m in seen if not m.__module__.startswith("fastapi")}
    assert json_bodies
    assert sorted(m.__name__ for m in json_bodies if not issubclass(m, Payload)) == []


def test_a_member_that_cannot_be_null_is_not_nullable_in_the_contract(
    client: TestClient, demo: Runtime, lead: dict[str, str]
) -> None:
    """Regression: PATCH members the spec marked nullable (code, public, is_staff, ...)
    answered 422 to null; now the spec states them as their type alone, and null is
    refused with a message that says to leave the member out."""
    schemas = create_app().openapi()["components"]["schemas"]
    for model, member in (
        ("MeasureUpdate", "code"),
        ("MeasureUpdate", "public"),
        ("PersonUpdate", "is_staff"),
        ("PersonUpdate", "family_name"),
        ("MeetingUpdate", "starts_at"),
        ("CommitteeUpdate", "vote_rules"),
    ):
        declared = schemas[model]["properties"][member]
        assert "anyOf" not in declared and "default" not in declared, (model, member)
    assert {"type": "null"} in schemas["PersonUpdate"]["properties"]["given_name"]["anyOf"]

    url = f"{API}/measures/{measure_ids(demo)['M-09']}"
    refused = client.patch(url, json={"public": None, "version": 1}, headers=lead)
    assert assert_problem(refused, 422)["fields"][0] == {
        "field": "public",
        "label": "public",
        "message": "darf nicht null sein; zum Beibehalten weglassen",
    }


def test_a_whole_number_written_with_a_zero_fraction_is_that_number(
    client: TestClient, demo: Runtime, lead: dict[str, str]
) -> None:
    """Regression (Schemathesis): ``"fiscal_year": 2031.0`` is an integer in JSON Schema, and
    was refused as "erwartet eine ganze Zahl"; a real fraction still is."""
    url = f"{API}/measures/{measure_ids(demo)['M-01']}/budget-lines"
    made = client.post(url, json={"fiscal_year": 2031.0}, headers=lead)
    assert made.status_code == 201, made.text
    assert made.json()["fiscal_year"] == 2031
    refused = client.post(url, json={"fiscal_year": 2031.5}, headers=lead)
    assert assert_problem(refused, 422)["fields"][0]["message"] == "erwartet eine ganze Zahl"
