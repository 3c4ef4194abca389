"""The OpenAPI document holds what the server sends, in names a generated client can use."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app().openapi()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_problem_bodies_are_declared_as_problem_json_not_as_json(
    document: dict[str, Any],
) -> None:
    """Regression: problems were declared under application/json, which the server never
    sends, and problem+json had no schema: a generated client got None for every error."""
    wrong = [
        f"{method.upper()} {path} {status}: {sorted(answer.get('content', {}))}"
        for method, path, operation in _operations(document)
        for status, answer in operation["responses"].items()
        if int(status) >= 400
        and answer.get("content") != {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    ]
    assert wrong == []
    problem = document["components"]["schemas"]["Problem"]
    assert problem["required"] == ["type", "title", "status", "detail"]
    assert {"allowed", "failures", "fields", "blocked", "rows", "quorum"} <= set(
        problem["properties"]
    )


def test_operation_ids_and_tags_are_ascii_and_unique(document: dict[str, Any]) -> None:
    """Regression: German tags became module names like ``ma_ß_nahmen``."""
    ids = Counter(op["operationId"] for _, _, op in _operations(document))
    assert [i for i, n in ids.items() if n > 1] == []
    identifier = re.compile(r"^[a-z][a-z0-9_]*$")
    assert [i for i in ids if not identifier.match(i)] == []
    tags = {t for _, _, op in _operations(document) for t in op.get("tags", [])}
    assert [t for t in tags if not re.match(r"^[a-z][a-z0-9-]*$", t)] == []
    described = {t["name"]: t["description"] for t in document["tags"]}
    assert described["massnahmen"] == "Maßnahmen"
    assert tags <= set(described)
    assert ids["create_measure"] == 1


def test_schema_names_are_unique_without_module_paths(document: dict[str, Any]) -> None:
    """Regression: two schemas named ImportResult; the client dropped the import's answer."""
    names = list(document["components"]["schemas"])
    assert [n for n in names if "__" in n] == []


def test_binary_and_text_answers_are_declared_as_binary(document: dict[str, Any]) -> None:
    """Regression: PDF reports and attachment downloads were parsed as JSON or text."""
    seen = []
    for method, path, operation in _operations(document):
        for status, answer in operation["responses"].items():
            for media, body in answer.get("content", {}).items():
                if int(status) < 400 and media != "application/json":
                    seen.append(media)
                    assert body["schema"] == {"type": "string", "format": "binary"}, (
                        method,
                        path,
                        media,
                    )
    assert {"application/pdf", "text/csv", "text/html"} <= set(seen)


def test_an_upload_declares_that_its_file_must_not_be_empty(document: dict[str, Any]) -> None:
    """Regression: the server refuses an empty file as input the schema forbids
    (``eingabe-ungueltig``), while the schema allowed it; the stateful conformance test
    found it once every sequence met the same data."""
    uploads = [
        (f"{method.upper()} {path}", part)
        for method, path, operation in _operations(document)
        for part in operation.get("requestBody", {})
        .get("content", {})
        .get("multipart/form-data", {})
        .get("schema", {})
        .get("properties", {})
        .values()
        if part.get("format") == "binary"
    ]
    assert uploads
    assert [where for where, part in uploads if part.get("minLength") != 1] == []


def test_the_headers_the_server_sends_are_declared(document: dict[str, Any]) -> None:
    measure = document["paths"]["/api/v1/measures/{measure_id}"]
    assert "ETag" in measure["get"]["responses"]["200"]["headers"]
    assert "WWW-Authenticate" in measure["patch"]["responses"]["401"]["headers"]
    created = document["paths"]["/api/v1/measures"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]
    fired = document["paths"]["/api/v1/measures/{measure_id}/transitions"]["post"]
    assert "Idempotent-Replayed" in fired["responses"]["200"]["headers"]
    login = document["paths"]["/api/v1/auth/token"]["post"]
    assert "Retry-After" in login["responses"]["429"]["headers"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("GET", "/measures/import", "POST"), ("PATCH", "/measures/export.csv", "GET")],
)
def test_a_method_the_path_lacks_answers_405_not_422(
    runtime: Runtime, method: str, path: str, allow: str
) -> None:
    """Regression: GET /measures/import answered 422 (GET /measures/{id} took the path)."""
    with TestClient(create_app(runtime)) as client:
        answer = client.request(method, f"{API}{path}")
    assert_problem(answer, 405)
    assert answer.headers["Allow"] == allow


def test_every_path_answers_405_with_allow_for_every_method_it_lacks(
    runtime: Runtime, document: dict[str, Any]
) -> None:
    """What Schemathesis' coverage phase probes (left out there for time), for every path:
    a method the document does not declare is a 405 problem naming the declared ones.
    Regression: ``Allow`` was empty on every path of an included router."""
    wrong = []
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        for path, item in document["paths"].items():
            declared = {m.upper() for m in item}
            url = re.sub(r"\{[^}]+\}", "1", path)
            for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - declared):
                answer = client.request(method, url)
                allowed = set(answer.headers.get("Allow", "").split(", "))
                if answer.status_code != 405 or not declared <= allowed:
                    wrong.append(f"{method} {path}: {answer.status_code} {sorted(allowed)}")
    assert wrong == []


def test_a_create_links_to_the_read_and_edit_of_what_it_created(
    document: dict[str, Any],
) -> None:
    created = document["paths"]["/api/v1/measures"]["post"]["responses"]["201"]["links"]
    assert created["get_measure"] == {
        "operationId": "get_measure",
        "parameters": {"measure_id": "$response.body#/id"},
    }
    assert "edit_measure" in created
    uploaded = document["paths"]["/api/v1/measures/{item_id}/attachments"]["post"]
    link = uploaded["responses"]["201"]["links"]["download_measure_attachment"]
    assert link["parameters"] == {
        "item_id": "$request.path.item_id",
        "attachment_id": "$response.body#/id",
    }


def _reachable(document: dict[str, Any], node: Any, found: set[str]) -> set[str]:
    """The component schemas ``node`` refers to, directly or through others."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        if ref and name not in found:
            found.add(name)
            _reachable(document, document["components"]["schemas"][name], found)
        for value in node.values():
            _reachable(document, value, found)
    elif isinstance(node, list):
        for value in node:
            _reachable(document, value, found)
    return found


def test_every_member_of_an_answer_is_required_since_it_is_always_sent(
    document: dict[str, Any],
) -> None:
    """Regression: members with a default (``[]``, ``null``) were optional in the answers'
    schemas, though always sent: a generated client typed them as maybe ``Unset``."""
    answered: set[str] = set()
    for _, _, operation in _operations(document):
        for status, answer in operation["responses"].items():
            if status.startswith("2"):
                _reachable(document, answer.get("content", {}), answered)
    schemas = document["components"]["schemas"]
    optional = {
        name: sorted(set(schemas[name].get("properties", {})) - set(schemas[name]["required"]))
        for name in answered
        if schemas[name].get("properties")
    }
    assert {name: members for name, members in optional.items() if members} == {}
    assert "baseline" in schemas["MeasureDetail"]["required"]
