"""One JSON log line per request, with no personal data; the request id in the audit trail."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from service.config import Settings
from service.ops.logs import JsonFormatter, configure
from service.runtime import Runtime
from tests.service.api_calls import API, fire, login, measure_ids


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What ``RATSFLOW_LOG_FORMAT=json`` writes for the requests (``service.ops.logs``)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("ratsflow.request")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_the_json_log_line_of_a_request_names_nobody(
    client: TestClient, demo: Runtime, json_log: io.StringIO
) -> None:
    auth = login(client, "sitzungsdienst")
    json_log.truncate(0)
    json_log.seek(0)
    created = client.post(
        f"{API}/persons",
        json={
            "given_name": "Erika",
            "family_name": "Mustermann",
            "email": "erika.mustermann@aschersleben.de",
        },
        headers=auth,
    )
    assert created.status_code == 201, created.text
    person_id = created.json()["id"]
    read = client.get(f"{API}/persons/{person_id}?zweck=Mustermann", headers=auth)
    assert read.status_code == 200

    logged = lines(json_log)
    assert [line["route"] for line in logged] == [
        "/api/v1/persons",
        "/api/v1/persons/{person_id}",
    ]
    first = logged[0]
    assert set(first) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "actor_id",
        "method",
        "route",
        "status",
        "duration_ms",
    }
    assert first["request_id"] == created.headers["X-Request-ID"]
    assert (first["method"], first["status"]) == ("POST", 201)
    with demo.read() as c:
        clerk = c.execute(text("SELECT id FROM users WHERE username = 'sitzungsdienst'")).scalar()
    assert first["actor_id"] == clerk
    everything = json_log.getvalue()
    for personal in ("Erika", "Mustermann", "erika.mustermann", "sitzungsdienst", "zweck"):
        assert personal not in everything, personal
    assert f"persons/{person_id}" not in everything  # the template, never the path


def test_a_request_id_is_echoed_and_stored_with_the_audit_event(
    client: TestClient, demo: Runtime
) -> None:
    lead = login(client, "ag.leitung")
    given = "proxy-4f1c2a9e-0001"
    done = client.post(
        f"{API}/measures/{measure_ids(demo)['M-09']}/transitions",
        json={"event": "einreichen", "version": 1},
        headers={**lead, "X-Request-ID": given},
    )
    assert done.status_code == 200, done.text
    assert done.headers["X-Request-ID"] == given
    with demo.read() as c:
        event = c.execute(
            text(
                "SELECT request_id, payload FROM audit_events "
                "WHERE action = 'measure.transition' ORDER BY id DESC LIMIT 1"
            )
        ).one()
    assert event.request_id == given
    assert json.loads(event.payload)["request"] == given  # hashed: it cannot be changed later


@pytest.mark.parametrize("given", ["<script>", "kurz", "x" * 101, "a b c d e f g h"])
def test_an_unfit_incoming_request_id_is_replaced(client: TestClient, given: str) -> None:
    answered = client.get("/healthz", headers={"X-Request-ID": given})

    echoed = answered.headers["X-Request-ID"]
    assert echoed != given and len(echoed) == 32


def test_every_answer_has_its_own_request_id(client: TestClient, demo: Runtime) -> None:
    first, second = client.get("/healthz"), fire(client, None, 1, "einreichen", 1)

    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_ratsflow_log_format_json_switches_every_line_to_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RATSFLOW_LOG_FORMAT", "json")
    root = logging.getLogger()
    kept = (list(root.handlers), root.level)
    stream = io.StringIO()
    try:
        configure(Settings().log_format, stream)
        logging.getLogger("ratsflow.scheduler").info("Scheduler aktiv (Sperre erhalten).")
    finally:
        root.handlers[:] = kept[0]
        root.setLevel(kept[1])

    [line] = lines(stream)
    assert (line["logger"], line["message"]) == (
        "ratsflow.scheduler",
        "Scheduler aktiv (Sperre erhalten).",
    )
