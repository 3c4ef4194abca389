"""``Idempotency-Key`` on the transition endpoint, on the demo city and both backends.

A client that lost the answer to a POST sends it again with the same key: it must get the
first answer and the measure must move once, even when both copies arrive at the same time.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.api.idempotency import REPLAYED
from service.idempotency import service as idempotency
from service.idempotency.models import IdempotencyKey
from service.runtime import Runtime
from tests.conftest import FakeClock
from tests.service.api_calls import (
    API,
    assert_problem,
    login,
    measure_ids,
    snapshot,
)

keys = IdempotencyKey.__table__  # type: ignore[attr-defined]


def submit(client: TestClient, auth: dict[str, str], measure_id: int, key: str) -> httpx.Response:
    return client.post(
        f"{API}/measures/{measure_id}/transitions",
        json={"event": "einreichen", "version": 1, "comment": "Bitte prüfen."},
        headers={**auth, "Idempotency-Key": key},
    )


def test_a_retry_with_the_same_key_gets_the_first_answer_and_acts_once(
    client: TestClient, demo: Runtime
) -> None:
    draft = measure_ids(demo)["M-09"]
    lead = login(client, "ag.leitung")
    before = snapshot(demo)

    first = submit(client, lead, draft, "4f7c-einreichen")
    assert first.status_code == 200, first.text
    after_first = snapshot(demo)
    second = submit(client, lead, draft, "4f7c-einreichen")

    assert second.status_code == first.status_code
    assert second.content == first.content
    assert second.headers[REPLAYED] == "true"
    assert REPLAYED not in first.headers
    assert first.json()["to_state"] == "ag_pruefung"
    assert snapshot(demo) == after_first
    assert after_first.history_entries == before.history_entries + 1
    assert after_first.audit_events == before.audit_events + 1


def test_without_a_key_a_repeated_post_is_a_new_request(client: TestClient, demo: Runtime) -> None:
    draft = measure_ids(demo)["M-09"]
    lead = login(client, "ag.leitung")
    body = {"event": "einreichen", "version": 1}
    url = f"{API}/measures/{draft}/transitions"
    assert client.post(url, json=body, headers=lead).status_code == 200
    assert_problem(client.post(url, json=body, headers=lead), 409, "veraltete-version")


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(
    client: TestClient, demo: Runtime
) -> None:
    ids = measure_ids(demo)
    lead = login(client, "ag.leitung")
    assert submit(client, lead, ids["M-09"], "key-1").status_code == 200
    before = snapshot(demo)

    other = client.post(
        f"{API}/measures/{ids['M-09']}/transitions",
        json={"event": "zur_ueberarbeitung", "version": 2, "comment": "Andere Anfrage"},
        headers={**lead, "Idempotency-Key": "key-1"},
    )
    body = assert_problem(other, 422, "idempotenz-schluessel-wiederverwendet")
    assert "key-1" in body["detail"]
    assert snapshot(demo) == before


def test_keys_belong_to_their_user(client: TestClient, demo: Runtime) -> None:
    draft = measure_ids(demo)["M-09"]
    lead, member = login(client, "ag.leitung"), login(client, "ag.mitglied")
    assert submit(client, lead, draft, "shared").status_code == 200
    # Another user's request with the same key is a request of its own: it acts (and the
    # version it names is stale by now), it never receives the first user's answer.
    assert_problem(submit(client, member, draft, "shared"), 409, "veraltete-version")


def test_a_failed_request_is_not_remembered_so_its_retry_is_checked_anew(
    client: TestClient, demo: Runtime
) -> None:
    draft = measure_ids(demo)["M-09"]
    public = login(client, "revision")  # may not submit
    assert_problem(submit(client, public, draft, "k"), 403, "rolle-fehlt")
    with demo.read() as c:
        assert c.execute(select(func.count()).select_from(keys)).scalar_one() == 0


def test_concurrent_retries_act_once(client: TestClient, demo: Runtime) -> None:
    draft = measure_ids(demo)["M-09"]
    lead = login(client, "ag.leitung")
    before = snapshot(demo)
    start = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def send() -> None:
        start.wait()
        answers.append(submit(client, lead, draft, "race"))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert answers[0].content == answers[1].content
    assert sorted(a.headers.get(REPLAYED, "") for a in answers) == ["", "true"]
    after = snapshot(demo)
    assert after.history_entries == before.history_entries + 1
    assert after.audit_events == before.audit_events + 1


def test_keys_expire_after_a_day(client: TestClient, demo: Runtime, clock: FakeClock) -> None:
    draft = measure_ids(demo)["M-09"]
    lead = login(client, "ag.leitung")
    assert submit(client, lead, draft, "old").status_code == 200
    clock.advance(timedelta(hours=25))
    lead = login(client, "ag.leitung")
    # After expiry the key names a new request: it acts, and version 1 is stale by now.
    assert_problem(submit(client, lead, draft, "old"), 409, "veraltete-version")
    back = client.post(
        f"{API}/measures/{draft}/transitions",
        json={"event": "zur_ueberarbeitung", "version": 2, "comment": "Kosten fehlen."},
        headers={**lead, "Idempotency-Key": "fresh"},
    )
    assert back.status_code == 200, back.text

    with demo.write() as c:
        assert idempotency.purge_expired(c, clock.now, timedelta(hours=24)) == 1
        assert list(c.execute(select(keys.c.key)).scalars()) == ["fresh"]


def test_a_statement_sent_again_with_its_key_is_given_once(
    client: TestClient, demo: Runtime
) -> None:
    """The API's door to what the web's statement form does: a client that lost the answer
    sends the statement again with its key and gets the first answer, not a second one."""
    draft = measure_ids(demo)["M-09"]
    dsb = login(client, "datenschutz")
    url = f"{API}/measures/{draft}/statements"
    sent = {"outcome": "zustimmend", "given_on": "2026-09-01", "text": "Keine Bedenken."}

    answers = [
        client.post(url, json=sent, headers={**dsb, "Idempotency-Key": "stellungnahme-1"})
        for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [201, 201], answers[1].text
    assert answers[1].content == answers[0].content
    assert answers[1].headers[REPLAYED] == "true"
    assert answers[0].headers["location"] == answers[1].headers["location"]
    listed = client.get(url, headers=dsb).json()
    assert [s["text"] for s in listed].count("Keine Bedenken.") == 1
