"""``/metrics`` after a transition, a failed mail and a scheduler run; who may read it."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.audit import signing
from service.audit.checkpoints import write_checkpoint
from service.auth.tokens import issue_token
from service.driver import dbapi
from service.outbox.server_state import SERVER
from service.runtime import Runtime
from service.scheduler.runner import SchedulerRunner
from service.scheduler.service import HEARTBEAT, record_run
from tests import factories as make
from tests.conftest import FakeClock
from tests.service.api_calls import assert_problem, fire, from_address, login, measure_ids

TRANSITIONS = "/api/v1/measures/{measure_id}/transitions"


@pytest.fixture
def on_demo_city() -> bool:
    return True


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient, auth: dict[str, str]) -> Samples:
    response = client.get("/metrics", headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_count_a_transition_a_failed_mail_and_a_scheduler_run(
    client: TestClient, demo: Runtime, clock: FakeClock, tmp_path: Path
) -> None:
    admin = login(client, "admin")
    lead = login(client, "ag.leitung")
    before = scrape(client, admin)

    assert fire(client, lead, measure_ids(demo)["M-09"], "einreichen", 1).status_code == 200
    demo.settings.mail.smtp_port = 1  # nothing listens there: the mail server is down
    make.reminder(demo, email="empfaenger@aschersleben.example")
    SchedulerRunner(demo).run_job("outbox_dispatch")
    record_run(demo, HEARTBEAT, succeeded=True)
    key = tmp_path / "audit-signing.key"
    signing.create_key(key)
    demo.settings = demo.settings.model_copy(update={"audit_signing_key": key})
    write_checkpoint(demo, demo.now())
    ran_at = demo.now()
    clock.advance(timedelta(seconds=90))
    after = scrape(client, admin)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("ratsflow_transitions_total", definition="massnahme", event="einreichen") == 1
    assert grew("ratsflow_http_requests_total", method="POST", route=TRANSITIONS, status="200") == 1
    assert grew("ratsflow_http_request_duration_seconds_count", method="POST", route=TRANSITIONS)
    assert grew("ratsflow_mail_failures_total", kind="temporary") == 1
    assert value(after, "ratsflow_outbox_messages", state="failed") == 1
    assert value(after, "ratsflow_outbox_messages", state="dead") == 0
    job = value(after, "ratsflow_scheduler_last_success_timestamp_seconds", job="outbox_dispatch")
    assert job == ran_at.timestamp()
    assert value(after, "ratsflow_scheduler_heartbeat_age_seconds") == 90
    with demo.read() as c:
        head = c.execute(
            text("SELECT max(seq) FROM audit_events WHERE chain_key = 'aschersleben'")
        ).scalar_one()
    assert value(after, "ratsflow_audit_chain_length", chain="aschersleben") == head
    assert value(after, "ratsflow_audit_last_checkpoint_age_seconds", chain="aschersleben") == 90


def test_metrics_are_for_an_admin_or_a_scraper_on_the_same_machine(client: TestClient) -> None:
    assert_problem(client.get("/metrics"), 404)
    assert_problem(client.get("/metrics", headers=login(client, "ag.leitung")), 403)
    local = from_address(client, "127.0.0.1")
    assert local.get("/metrics").status_code == 200
    # Through a proxy on the same machine it is somebody from outside.
    proxied = local.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})
    assert proxied.status_code == 404


def test_a_mail_server_that_is_down_is_logged_once_and_counted_every_time(
    demo: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    SERVER.failing = False
    demo.settings.mail.smtp_port = 1
    runner = SchedulerRunner(demo)
    with caplog.at_level(logging.INFO, logger="ratsflow.outbox"):
        for number in range(3):
            make.reminder(demo, email=f"empfaenger{number}@aschersleben.example")
            runner.run_job("outbox_dispatch")
        SERVER.accepted()
    lines = [r.getMessage() for r in caplog.records if r.name == "ratsflow.outbox"]
    assert len(lines) == 2, lines
    assert lines[0].startswith("Mailserver nimmt keine Nachrichten an")
    assert lines[1] == "Mailserver nimmt wieder Nachrichten an."


def test_a_path_that_matches_no_route_is_counted_without_its_path(client: TestClient) -> None:
    admin = login(client, "admin")
    before = scrape(client, admin)
    assert client.get("/personen/Mustermann").status_code == 404

    after = client.get("/metrics", headers=admin).text
    assert "Mustermann" not in after
    grew = value(
        scrape(client, admin),
        "ratsflow_http_requests_total",
        method="GET",
        route="unmatched",
        status="404",
    ) - value(before, "ratsflow_http_requests_total", method="GET", route="unmatched", status="404")
    assert grew == 1


def test_another_bodys_admin_finds_no_metrics_at_its_address(
    client: TestClient, demo: Runtime
) -> None:
    other = demo.for_body("nachbarstadt")
    with other.write() as c:
        make.body(other, c, name="Gemeinde Nachbarstadt")
        admin = make.user(other, "admin", connection=c)
        token, _ = issue_token(c, admin.user_id or 0, demo.now())

    answered = client.get("/b/nachbarstadt/metrics", headers={"Authorization": f"Bearer {token}"})

    assert_problem(answered, 404)
    assert from_address(client, "127.0.0.1").get("/b/nachbarstadt/metrics").status_code == 404


def test_a_transition_rolled_back_is_not_counted_by_the_next_commit_on_its_connection(
    runtime: Runtime,
) -> None:
    """Regression: the count waits on the pooled connection until commit; a rollback drops
    it, so a later transaction on the same connection does not count a step never taken."""
    from service.actor import Actor
    from service.measures.firing import fire as fire_measure
    from service.ops.counters import TRANSITIONS

    measure_id = make.measure(runtime)
    lead = Actor(None, None, frozenset({"ag_leitung"}), "AG-Leitung")
    counted = TRANSITIONS.labels("massnahme", "einreichen")
    start = counted._value.get()
    runtime.engine.dispose()  # one pooled connection from here: the next write reuses it
    with runtime.engine.connect() as connection:
        transaction = connection.begin()
        fire_measure(runtime, connection, lead, measure_id, "einreichen")
        transaction.rollback()
        with connection.begin():
            pass
    assert counted._value.get() == start
    with runtime.write() as connection:
        fire_measure(runtime, connection, lead, measure_id, "einreichen")
    assert counted._value.get() == start + 1


def test_a_transition_whose_commit_fails_is_not_counted(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the count was taken in SQLAlchemy's ``commit`` event, which fires before
    the driver's COMMIT, so a step whose COMMIT then failed was counted though it never
    happened."""
    from service.actor import Actor
    from service.measures.firing import fire as fire_measure
    from service.ops.counters import TRANSITIONS

    measure_id = make.measure(runtime)
    lead = Actor(None, None, frozenset({"ag_leitung"}), "AG-Leitung")
    counted = TRANSITIONS.labels("massnahme", "einreichen")
    start = counted._value.get()
    dialect = runtime.engine.dialect

    def failing_commit(_dbapi_connection: object) -> None:
        raise dialect.loaded_dbapi.OperationalError("disk I/O error")

    with monkeypatch.context() as patched:
        patched.setattr(dialect, "do_commit", failing_commit)
        with pytest.raises(DBAPIError), runtime.write() as connection:
            fire_measure(runtime, connection, lead, measure_id, "einreichen")
            if dialect.name == "sqlite":
                # SQLite's writer commits on the driver (``service.db``), past SQLAlchemy's
                # do_commit, when no statement of the step began SQLAlchemy's transaction: a
                # deferred foreign key the step's history now breaks fails that COMMIT too.
                driver = dbapi(connection)
                driver.execute("PRAGMA defer_foreign_keys = ON")
                driver.execute(
                    "UPDATE history_entries SET actor_user_id = 999999 "
                    "WHERE id = (SELECT max(id) FROM history_entries)"
                )

    assert counted._value.get() == start
    # The step was not taken: it can be taken now, and counts once.
    with runtime.write() as connection:
        fire_measure(runtime, connection, lead, measure_id, "einreichen")
    assert counted._value.get() == start + 1
