"""A read that cannot be logged answers 503, and the OpenAPI document says so where it can.

The document finds those operations from the code (``service.api.logged_reads``); these
tests check that finding against what the API does: with the audit trail refusing every
event, each GET operation is called by readers who see internal items, and every 503 that
comes back must be declared (``application/problem+json``, with ``Retry-After``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.api.logged_reads import ReadLogging
from service.api.problems import PROBLEM_MEDIA_TYPE
from service.attachments.service import upload
from service.auth import user_routes
from service.auth.service import actor_for
from service.main import create_app
from service.outbox.service import Mail, enqueue
from service.runtime import Runtime
from tests import factories
from tests.service.api_calls import API, login
from tests.service.reads import audit_fails

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
# Between them they see every internal item, every login, the outbox and the audit trail.
READERS = ("admin", "ag.leitung", "sitzungsdienst", "datenschutz")
PARAMETER = re.compile(r"\{(\w+)\}")

# Logged reads of the demo city that the sweep must meet (a sample, not the list: the
# document's list comes from the code).
LOGGED = {
    f"{API}/users",
    f"{API}/users/{{user_id}}",
    f"{API}/measures/{{measure_id}}",
    f"{API}/measures/{{item_id}}/attachments",
    f"{API}/measures/{{item_id}}/attachments/{{attachment_id}}",
    f"{API}/outbox",
    f"{API}/audit/events",
    f"{API}/audit/persons/{{person_id}}/disclosure",
}
# Reads that log nothing. ``/users/me`` calls ``service.get_user`` beside a route of that
# name that does log (``GET /users/{user_id}``): a name is looked up where the code says.
NOT_LOGGED = {f"{API}/users/me", f"{API}/definitions/{{name}}", "/healthz"}


@dataclass(frozen=True)
class Internal:
    """Items of the demo that only staff see, for the path parameters of the sweep."""

    values: dict[str, int | str]

    def request(self, path: str, operation: dict[str, Any]) -> tuple[str, dict[str, str]]:
        """The URL and required query of ``operation`` at ``path``, naming these items."""

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "item_id":
                name = "paper_id" if path.startswith(f"{API}/papers") else "measure_id"
            return str(self.values.get(name, 1))

        query = {
            p["name"]: str(p["schema"].get("examples", ["Datenschutzprüfung"])[0])
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }
        return PARAMETER.sub(value, path), query


@pytest.fixture
def internal(runtime: Runtime) -> Internal:
    with runtime.write() as c:
        person = factories.person(runtime, c, email="ilse.intern@aschersleben.example")
        measure_id = factories.measure(runtime, c, public=False, responsible_person_id=person)
        enqueue(
            runtime,
            c,
            Mail(
                reminder_key=f"test/person:{person}",
                kind="wiedervorlage",
                recipient_email="ilse.intern@aschersleben.example",
                recipient_person_id=person,
                subject="Wiedervorlage",
                context={
                    "anrede": "Guten Tag,",
                    "vertretung": None,
                    "gegenstand": "eine interne Maßnahme",
                    "faellig": runtime.now(),
                    "link": "https://example.invalid/massnahmen/1",
                },
            ),
        )
        member = actor_for(c, "ag.mitglied")
    attachment = upload(runtime, SYSTEM, "measure", measure_id, "Vermerk.pdf", PDF)
    return Internal(
        {
            "measure_id": measure_id,
            "attachment_id": attachment.id,
            "user_id": member.user_id or 0,
            "person_id": person,
            "name": "massnahme",
        }
    )


@pytest.fixture
def api(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield client


def _declared(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """GET operations by path, with what each declares for 503 (or nothing)."""
    return {
        path: operations["get"]["responses"].get("503", {})
        for path, operations in document["paths"].items()
        if "get" in operations
    }


def test_every_read_that_answers_503_declares_it(
    api: TestClient, internal: Internal, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = api.get("/openapi.json").json()
    readers = [login(api, name) for name in READERS]
    audit_fails(monkeypatch)

    answered: set[str] = set()
    for path, operation in ((p, o["get"]) for p, o in document["paths"].items() if "get" in o):
        url, query = internal.request(path, operation)
        for headers in readers:
            response = api.get(url, params=query, headers=headers)
            if response.status_code == 503:
                assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
                assert response.headers["retry-after"]
                answered.add(path)

    declared = {path for path, answer in _declared(document).items() if answer}
    assert answered <= declared, f"503 answered but not declared: {answered - declared}"
    assert answered >= LOGGED, f"logged reads that did not answer 503: {LOGGED - answered}"


def test_a_declared_503_is_a_problem_with_retry_after_and_only_where_reads_are_logged(
    api: TestClient,
) -> None:
    declared = _declared(api.get("/openapi.json").json())
    for path in LOGGED:
        answer = declared[path]
        assert answer["content"] == {
            PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
        }, path
        assert "Retry-After" in answer["headers"], path
    for path in NOT_LOGGED:
        assert not declared[path], path


def test_a_module_attribute_is_looked_up_in_its_module_not_among_the_globals() -> None:
    finder = ReadLogging()
    # ``me`` calls ``service.get_user``; the module's own ``get_user`` route logs a read.
    assert finder.reaches(user_routes.get_user)
    assert not finder.reaches(user_routes.me)
