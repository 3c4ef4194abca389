"""Arbeitspapiere (programmes) through the API, edited with their version (ETag/If-Match)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, snapshot


def test_programmes_are_edited_with_their_version(client: TestClient, demo: Runtime) -> None:
    lead = login(client, "ag.leitung")
    read = client.get(f"{API}/programmes/1")
    assert read.json()["owner_name"] is None  # no staff names for the public
    version = read.json()["version"]
    assert read.headers["etag"] == f'"{version}"'
    edited = client.patch(
        f"{API}/programmes/1", json={"version": version, "review_cycle": "P3M"}, headers=lead
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["review_cycle"] == "P3M"
    assert edited.json()["owner_name"] == "Thomas Behrendt"
    assert edited.json()["version"] == version + 1
    assert edited.headers["etag"] == f'"{version + 1}"'
    before = snapshot(demo)
    stale = client.patch(
        f"{API}/programmes/1", json={"version": version, "title": "Alt"}, headers=lead
    )
    problem = assert_problem(stale, 409, "veraltete-version")
    assert f"erwartete Version {version}" in problem["detail"]
    stale_header = client.patch(
        f"{API}/programmes/1", json={"title": "Alt"}, headers={**lead, "If-Match": f'"{version}"'}
    )
    assert_problem(stale_header, 409, "veraltete-version")
    without = client.patch(f"{API}/programmes/1", json={"title": "Alt"}, headers=lead)
    # Valid by the schema, which cannot say "this member or that header": a rule's problem.
    assert assert_problem(without, 422, "angaben-fehlen")["fields"][0]["field"] == "version"
    bad_cycle = client.patch(
        f"{API}/programmes/1",
        json={"review_cycle": "halbjährlich"},
        headers={**lead, "If-Match": "*"},
    )
    assert assert_problem(bad_cycle, 422)["fields"][0]["field"] == "review_cycle"
    assert snapshot(demo) == before


def test_a_programmes_version_is_an_integer_like_every_other(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["ProgrammeOut"]["properties"]["version"]["type"] == "integer"
    assert schemas["ProgrammeUpdate"]["properties"]["version"]["anyOf"][0]["type"] == "integer"
    assert client.get(f"{API}/programmes/1").json()["version"] == 1
