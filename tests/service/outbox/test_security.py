"""No poison in the outbox: one message's fault stays with that message, on both backends.

On the main branch before these tests, a message the e-mail library refused (a committee
named ``Gremium\\r\\nBcc: x@example.org`` in an invitation's subject) raised ValueError out
of the dispatcher: it and every other message of its batch stayed "wird versandt", were
claimed again when the lease lapsed and crashed again, without end.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.actor import SYSTEM
from service.committees.meetings import insert_meeting
from service.committees.service import insert_membership
from service.invitations.service import send_invitation
from service.outbox.dispatcher import dispatch, dispatch_batch
from service.outbox.mailer import SmtpSession
from service.outbox.service import Mail, enqueue
from service.runtime import Runtime
from tests import factories
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import reminder_mail, rows

POISON = "Gremium\r\nBcc: x@example.org"


@pytest.fixture
def on_demo_city() -> bool:
    return False


def _enqueue(rt: Runtime, *mails: Mail) -> None:
    with rt.write() as c:
        for mail in mails:
            enqueue(rt, c, mail)


def _status(rt: Runtime) -> dict[str, str]:
    return {r.reminder_key: r.status for r in rows(rt)}


def test_a_refused_header_does_not_hold_up_the_batch(rt: Runtime, inbox: Inbox) -> None:
    """The poison comes first in the batch; the other due message goes out in the same run,
    the poison is a dead letter with its reason, and the next run has nothing left to do."""
    _enqueue(
        rt,
        reminder_mail("poison", to=f"a@example.org\r\nBcc: {'x@example.org'}"),
        reminder_mail("healthy"),
    )
    result = dispatch_batch(rt)
    assert (result.sent, result.failed) == (1, 1)
    assert _status(rt) == {"poison": "failed", "healthy": "sent"}
    [delivered] = inbox.messages
    assert delivered["To"] == "julia@aschersleben.example"
    poison = next(r for r in rows(rt) if r.reminder_key == "poison")
    assert poison.last_error.startswith("Nachricht nicht erstellbar") and poison.claim_token is None
    assert dispatch_batch(rt).handled == 0


def test_a_line_break_in_a_committee_name_does_not_reach_the_header(
    rt: Runtime,
    inbox: Inbox,
) -> None:
    """A committee stored before its name was checked (an unchecked insert, as then): its
    invitation goes out, its subject on one line, and no Bcc header comes of the name."""
    committee_id = factories.committee(rt, members=0, name=POISON)
    with rt.write() as c:
        for name in ("Julia", "Thomas"):
            person_id = factories.person(
                rt, c, given_name=name, email=f"{name.lower()}@aschersleben.example"
            )
            insert_membership(
                rt, c, SYSTEM, person_id=person_id, committee_id=committee_id, voting_right=True
            )
    with rt.write() as c:
        meeting_id = insert_meeting(
            rt,
            c,
            SYSTEM,
            committee_id=committee_id,
            starts_at=rt.now() + timedelta(days=30),
            location="Ratssaal",
        )
        assert send_invitation(rt, c, SYSTEM, meeting_id).invited == 2
    assert dispatch(rt).sent == 2
    assert sorted(m["To"] for m in inbox.messages) == [
        "julia@aschersleben.example",
        "thomas@aschersleben.example",
    ]
    for message in inbox.messages:
        assert message["Bcc"] is None
        assert message["Subject"].startswith("Einladung: Gremium Bcc: x@example.org am ")
        assert "\n" not in message["Subject"]


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\x0b"])
def test_every_line_break_the_mail_library_knows_is_taken_out_of_the_subject(
    rt: Runtime,
    inbox: Inbox,
    separator: str,
) -> None:
    _enqueue(rt, reminder_mail("k1", subject=f"Einladung: Gremium{separator}X"))
    assert dispatch(rt).sent == 1
    assert inbox.messages[0]["Subject"] == "Einladung: Gremium X"


def test_an_unexpected_error_of_one_message_does_not_stop_the_batch(
    rt: Runtime,
    inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    send = SmtpSession.send

    def failing_once(session: SmtpSession, message: object) -> None:
        if "first" in str(message["X-Ratsflow-Key"]):  # type: ignore[index]
            raise RuntimeError("kaputt")
        send(session, message)  # type: ignore[arg-type]

    monkeypatch.setattr(SmtpSession, "send", failing_once)
    _enqueue(rt, reminder_mail("first"), reminder_mail("second"))
    assert dispatch_batch(rt).sent == 1
    assert _status(rt) == {"first": "failed", "second": "sent"}
    assert "RuntimeError" in next(r for r in rows(rt) if r.reminder_key == "first").last_error


class Died(Exception):
    """Stands for the process dying while it sends the claimed messages."""


def _die(point: str) -> None:
    if point == "after_claim":
        raise Died(point)


def test_a_message_claimed_too_often_becomes_a_dead_letter(rt: Runtime, inbox: Inbox) -> None:
    """A message whose sending takes the process down is claimed, its lease lapses, it is
    claimed again: at most ``mail_max_attempts`` times, then it is a dead letter (before:
    claimed every ten minutes, for ever). A message due later is not held up by it."""
    rt.settings.mail.mail_max_attempts = 3
    lease = timedelta(seconds=rt.settings.mail.mail_claim_lease_seconds)
    _enqueue(rt, reminder_mail("deadly"))
    for attempt in (1, 2, 3):
        with pytest.raises(Died):
            dispatch_batch(rt, _die)
        [row] = rows(rt)
        assert (row.status, row.attempts) == ("sending", attempt)
        rt.clock.advance(lease)  # type: ignore[attr-defined]
    _enqueue(rt, reminder_mail("later"))
    result = dispatch_batch(rt)
    assert (result.sent, result.failed) == (1, 0)
    assert _status(rt) == {"deadly": "failed", "later": "sent"}
    deadly = next(r for r in rows(rt) if r.reminder_key == "deadly")
    assert deadly.attempts == 3 and "aufgegeben" in deadly.last_error
    assert [m["X-Ratsflow-Key"] for m in inbox.messages] == ["later"]
    rt.clock.advance(lease)  # type: ignore[attr-defined]
    assert dispatch(rt).handled == 0  # a dead letter waits for a person
