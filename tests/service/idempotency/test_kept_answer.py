"""What is kept of a first answer and what a retry gets from it, on the demo city and both
backends: the body as it was sent, its ``Location`` and ``ETag`` beside it; the same key
with another request is refused, on the routes that once answered on their own too
(statement, vote, transition), now on the one shared path."""

from __future__ import annotations

import threading

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.api.idempotency import REPLAYED
from service.idempotency.models import IdempotencyKey
from service.measures.service import get_measure
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, measure_ids, snapshot

keys = IdempotencyKey.__table__  # type: ignore[attr-defined]


def _kept(runtime: Runtime, key: str) -> tuple[str, object]:
    with runtime.read() as connection:
        row = connection.execute(select(keys).where(keys.c.key == key)).one()
    return row.response_body, row._mapping.get("response_headers")


def test_a_replayed_answer_keeps_its_location_and_etag_in_their_own_column(
    client: TestClient, demo: Runtime
) -> None:
    """Regression: ``Location`` and ``ETag`` were kept inside ``response_body``, the body
    wrapped with them in a JSON object of ratsflow's own; the body column held no body."""
    with demo.read() as connection:
        programme_id = get_measure(connection, measure_ids(demo)["M-01"]).programme_id
    lead = {**login(client, "ag.leitung"), "Idempotency-Key": "neue-massnahme"}
    body = {"programme_id": programme_id, "code": "M-10", "title": "Bürgerportal"}

    first = client.post(f"{API}/measures", json=body, headers=lead)
    again = client.post(f"{API}/measures", json=body, headers=lead)

    assert first.status_code == 201, first.text
    assert first.headers["location"] == f"{API}/measures/{first.json()['id']}"
    assert first.headers["etag"] == '"1"'
    assert (again.status_code, again.headers[REPLAYED]) == (201, "true")
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == first.headers["etag"]
    kept_body, kept_headers = _kept(demo, "neue-massnahme")
    assert kept_body.encode() == first.content
    assert kept_headers == {
        "Location": first.headers["location"],
        "ETag": first.headers["etag"],
        "Content-Type": "application/json",
    }


def _statement(client: TestClient, demo: Runtime, key: str, text: str) -> httpx.Response:
    dsb = {**login(client, "datenschutz"), "Idempotency-Key": key}
    sent = {"outcome": "zustimmend", "given_on": "2026-09-01", "text": text}
    return client.post(
        f"{API}/measures/{measure_ids(demo)['M-09']}/statements", json=sent, headers=dsb
    )


def _transition(client: TestClient, demo: Runtime, key: str, text: str) -> httpx.Response:
    lead = {**login(client, "ag.leitung"), "Idempotency-Key": key}
    sent = {"event": "einreichen", "version": 1, "comment": text}
    return client.post(
        f"{API}/measures/{measure_ids(demo)['M-09']}/transitions", json=sent, headers=lead
    )


SENDS = {"Stellungnahme": _statement, "Übergang": _transition}


@pytest.mark.parametrize("kind", SENDS)
def test_a_key_reused_with_another_request_body_is_refused(
    client: TestClient, demo: Runtime, kind: str
) -> None:
    send = SENDS[kind]
    first = send(client, demo, "wiederverwendet", "Keine Bedenken.")
    assert first.status_code in (200, 201), first.text
    before = snapshot(demo)

    other = send(client, demo, "wiederverwendet", "Bedenken ausgeräumt.")

    problem = assert_problem(other, 422, "idempotenz-schluessel-wiederverwendet")
    assert "wiederverwendet" in problem["detail"]
    assert REPLAYED not in other.headers
    assert snapshot(demo) == before


def test_a_statement_sent_twice_at_once_with_its_key_is_given_once(
    client: TestClient, demo: Runtime
) -> None:
    """The copy that arrives while the first is still written waits for it and gets its
    answer: one statement, two equal answers, one of them replayed."""
    start = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def send() -> None:
        start.wait()
        answers.append(_statement(client, demo, "gleichzeitig", "Keine Bedenken."))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert answers[0].content == answers[1].content
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert sorted(a.headers.get(REPLAYED, "") for a in answers) == ["", "true"]
    dsb = login(client, "datenschutz")
    listed = client.get(f"{API}/measures/{measure_ids(demo)['M-09']}/statements", headers=dsb)
    assert [s["text"] for s in listed.json()].count("Keine Bedenken.") == 1
