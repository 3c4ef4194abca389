"""``Idempotency-Key`` on every POST of the API that creates or acts (``service.api.once``),
on the demo city and both backends: a client that lost the answer and sends the request
again with its key gets the first answer, and nothing is created a second time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

import service.api.once
from service.api.deps import write_connection
from service.api.idempotency import REPLAYED
from service.api.logged_reads import api_routes
from service.idempotency.models import IdempotencyKey
from service.main import create_app
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, measure_ids
from tests.service.council_support import committee_id

keys = IdempotencyKey.__table__  # type: ignore[attr-defined]
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

# A POST that takes no key, and why it needs none.
WITHOUT_KEY = {
    "/api/v1/auth/token": "Anmeldung: es gibt noch keinen Benutzer, dem ein Schlüssel gehört.",
    "/api/v1/auth/password": "Die Wiederholung scheitert am alten Passwort und ändert nichts.",
    "/api/v1/reports/verification": "Prüft eine Datei und schreibt nichts.",
}

Send = Callable[[TestClient, Runtime, dict[str, str]], httpx.Response]


def _meeting(client: TestClient, demo: Runtime, headers: dict[str, str]) -> httpx.Response:
    body = {
        "committee_id": committee_id(demo, "ag-digitalisierung"),
        "starts_at": "2026-09-30T15:00:00+02:00",
    }
    return client.post(f"{API}/meetings", json=body, headers=headers)


def _paper(client: TestClient, demo: Runtime, headers: dict[str, str]) -> httpx.Response:
    body = {"reference": "VII/0999/26", "title": "Breitband Ortsteile", "public": True}
    return client.post(f"{API}/papers", json=body, headers=headers)


def _budget_line(client: TestClient, demo: Runtime, headers: dict[str, str]) -> httpx.Response:
    m01 = measure_ids(demo)["M-01"]
    body = {"fiscal_year": 2031, "one_off_planned": "12500.00"}
    return client.post(f"{API}/measures/{m01}/budget-lines", json=body, headers=headers)


def _milestone(client: TestClient, demo: Runtime, headers: dict[str, str]) -> httpx.Response:
    m01 = measure_ids(demo)["M-01"]
    body = {"title": "Rollout"}
    return client.post(f"{API}/measures/{m01}/milestones", json=body, headers=headers)


def _attachment(client: TestClient, demo: Runtime, headers: dict[str, str]) -> httpx.Response:
    m01 = measure_ids(demo)["M-01"]
    files = {"file": ("konzept.pdf", PDF, "application/pdf")}
    return client.post(f"{API}/measures/{m01}/attachments", files=files, headers=headers)


KINDS: dict[str, tuple[str, Send, str]] = {
    "Sitzung": ("sitzungsdienst", _meeting, "meetings"),
    "Vorlage": ("sitzungsdienst", _paper, "papers"),
    "Haushaltsansatz": ("ag.leitung", _budget_line, "budget_lines"),
    "Meilenstein": ("ag.leitung", _milestone, "milestones"),
    "Anlage": ("ag.leitung", _attachment, "attachments"),
}


def _count(runtime: Runtime, table: str) -> int:
    with runtime.read() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.mark.parametrize("kind", KINDS)
def test_a_creating_post_sent_twice_with_its_key_creates_once(
    client: TestClient, demo: Runtime, kind: str
) -> None:
    username, send, table = KINDS[kind]
    headers = {**login(client, username), "Idempotency-Key": f"neu-{table}-1"}
    before = _count(demo, table)

    first = send(client, demo, headers)
    again = send(client, demo, headers)

    assert first.status_code == 201, first.text
    assert REPLAYED not in first.headers
    assert (again.status_code, again.headers.get(REPLAYED)) == (201, "true"), again.text
    assert again.json() == first.json()
    assert again.headers.get("location") == first.headers.get("location")
    assert _count(demo, table) == before + 1


def test_the_same_key_with_another_body_creates_nothing(client: TestClient, demo: Runtime) -> None:
    lead = {**login(client, "ag.leitung"), "Idempotency-Key": "meilenstein"}
    m01 = measure_ids(demo)["M-01"]
    url = f"{API}/measures/{m01}/milestones"
    assert client.post(url, json={"title": "Rollout"}, headers=lead).status_code == 201
    before = _count(demo, "milestones")

    other = client.post(url, json={"title": "Abnahme"}, headers=lead)

    assert_problem(other, 422, "idempotenz-schluessel-wiederverwendet")
    assert _count(demo, "milestones") == before


def test_another_file_under_the_same_key_is_refused(client: TestClient, demo: Runtime) -> None:
    lead = {**login(client, "ag.leitung"), "Idempotency-Key": "anlage"}
    assert _attachment(client, demo, lead).status_code == 201
    m01 = measure_ids(demo)["M-01"]
    files = {"file": ("konzept.pdf", PDF + b"%", "application/pdf")}

    other = client.post(f"{API}/measures/{m01}/attachments", files=files, headers=lead)

    assert_problem(other, 422, "idempotenz-schluessel-wiederverwendet")


def test_a_refused_create_keeps_no_key_so_its_retry_is_checked_anew(
    client: TestClient, demo: Runtime
) -> None:
    treasury = {**login(client, "kaemmerei"), "Idempotency-Key": "versuch"}
    m01 = measure_ids(demo)["M-01"]
    url = f"{API}/measures/{m01}/milestones"

    refused = client.post(url, json={"title": "Rollout"}, headers=treasury)

    assert refused.status_code == 403, refused.text
    with demo.read() as connection:
        assert connection.execute(select(func.count()).select_from(keys)).scalar_one() == 0


def _takes_key(route: Any) -> bool:
    def headers(dependant: Any) -> Any:
        yield from dependant.header_params
        for sub in dependant.dependencies:
            yield from headers(sub)

    return any(p.alias == "Idempotency-Key" for p in headers(route.dependant))


def test_every_post_of_the_api_takes_an_idempotency_key_or_says_why_not() -> None:
    posts = [
        r for r in api_routes(create_app()) if "POST" in r.methods and r.path.startswith("/api/")
    ]
    assert len(posts) > 30
    untaken = {r.path for r in posts if not _takes_key(r)}
    assert untaken == set(WITHOUT_KEY)


def _writes_in_request_transaction(route: Any) -> bool:
    return any(d.call is write_connection for d in route.dependant.dependencies)


def _answered_by_route_class(route: Any) -> bool:
    code = getattr(route.endpoint, "__code__", None)
    return code is not None and code.co_filename == service.api.once.__file__


def test_a_post_writing_in_the_request_transaction_answers_once_through_the_route_class() -> None:
    """Regression: the statement and the vote declared the key and answered through a
    helper of their own (``answer_once``) beside ``OnceRoute``, two ways to one answer.
    Only a route that begins its transaction itself (upload, import, transition) calls
    ``respond_once``."""
    posts = [
        r for r in api_routes(create_app()) if "POST" in r.methods and r.path.startswith("/api/")
    ]
    on_their_own = {
        r.path
        for r in posts
        if _writes_in_request_transaction(r) and not _answered_by_route_class(r)
    }
    assert on_their_own == set()
    assert sum(_answered_by_route_class(r) for r in posts) > 20
