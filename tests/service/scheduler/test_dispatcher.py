"""Sending through a real SMTP server: retry on 4xx, dead letter on 5xx, resend by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from service.actor import SYSTEM
from service.cli import app
from service.config import get_settings
from service.outbox.dispatcher import dispatch
from service.outbox.service import NotRetryable, enqueue, message_id_for, retry
from service.runtime import Runtime
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import reminder_mail, rows


def _enqueue(rt: Runtime, *keys: str) -> None:
    with rt.write() as c:
        for key in keys:
            enqueue(rt, c, reminder_mail(key))


def test_a_german_mail_in_text_and_html_with_a_stable_message_id(rt: Runtime, inbox: Inbox) -> None:
    _enqueue(rt, "measure:1/frist:1/vorher-7/person:1")
    assert dispatch(rt).sent == 1
    [message] = inbox.messages
    assert message["Message-ID"] == message_id_for(
        "measure:1/frist:1/vorher-7/person:1", rt.settings.mail
    )
    assert message["Subject"].startswith("Erinnerung: Prüfung in der AG")
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in message.walk()
        if not p.is_multipart()
    }
    assert "läuft am 19.02.2024 ab – in 7 Tagen" in parts["text/plain"]
    assert '<a href="https://ratsflow.aschersleben.example/massnahmen/1">' in parts["text/html"]
    assert [r.status for r in rows(rt)] == ["sent"]
    assert dispatch(rt).handled == 0  # sent is sent


def test_451_then_250_is_delivered_on_the_retry_after_backoff(rt: Runtime, inbox: Inbox) -> None:
    inbox.script = ["451 4.3.0 Bitte später erneut versuchen"]
    _enqueue(rt, "k1")
    first = dispatch(rt)
    assert (first.sent, first.retrying) == (0, 1)
    [row] = rows(rt)
    assert row.status == "pending" and "451" in row.last_error
    assert row.next_attempt_at == rt.now() + timedelta(seconds=60)
    assert dispatch(rt).handled == 0  # not before the backoff has passed
    rt.clock.advance(timedelta(seconds=60))  # type: ignore[attr-defined]
    assert dispatch(rt).sent == 1
    assert len(inbox.messages) == 1
    assert rows(rt)[0].status == "sent"


def test_a_refused_connection_is_temporary(rt: Runtime, inbox: Inbox) -> None:
    rt.settings.mail.smtp_port = 1  # nothing listens there
    _enqueue(rt, "k1")
    assert dispatch(rt).retrying == 1
    assert "nicht erreichbar" in rows(rt)[0].last_error


def test_550_goes_to_the_dead_letters_visible_in_cli_and_api_and_can_be_resent(
    rt: Runtime, inbox: Inbox
) -> None:
    inbox.script = ["550 5.1.1 Postfach unbekannt"]
    _enqueue(rt, "k1", "k2")
    result = dispatch(rt)
    assert (result.sent, result.failed) == (1, 1)
    failed = [r for r in rows(rt) if r.status == "failed"]
    assert len(failed) == 1 and "550" in failed[0].last_error

    patch = pytest.MonkeyPatch()
    patch.setenv("RATSFLOW_DATABASE_URL", rt.settings.database_url)
    get_settings.cache_clear()
    try:
        listing = CliRunner().invoke(app, ["outbox", "list", "--failed"])
        assert listing.exit_code == 0, listing.output
        assert "fehlgeschlagen" in listing.output and "550" in listing.output
        assert f"{failed[0].id:>6}" in listing.output
        resend = CliRunner().invoke(app, ["outbox", "retry", str(failed[0].id)])
        assert resend.exit_code == 0, resend.output
        again = CliRunner().invoke(app, ["outbox", "retry", str(failed[0].id)])
        assert again.exit_code == 1 and "nur fehlgeschlagene" in again.output
    finally:
        patch.undo()
        get_settings.cache_clear()
    rt.clock.now = datetime.now(UTC)  # type: ignore[attr-defined] # the CLI ran on the real clock
    assert dispatch(rt).sent == 1
    ids = inbox.message_ids()
    assert len(ids) == 2 and len(set(ids)) == 2


def test_retry_of_a_message_that_did_not_fail_is_refused(rt: Runtime, inbox: Inbox) -> None:
    _enqueue(rt, "k1")
    with pytest.raises(NotRetryable), rt.write() as c:
        retry(c, rt.chain_key, rows(rt)[0].id, SYSTEM, rt.now())
