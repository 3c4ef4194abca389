"""A reminder for a person without an e-mail address is not lost.

Found by the outside-in review of the demo: the seven-day and the one-day reminder to a
responsible person without an address were dropped with a line in the log (``Keine
E-Mail-Adresse für Person 53: … entfällt``), so nobody heard of the deadline before it had
passed. The AG lead now receives each of them, naming the person to pass it on to; the
configured fallback address (``RATSFLOW_MAIL_FALLBACK_RECIPIENT``) still comes first.
"""

from __future__ import annotations

import logging

import pytest

from service.outbox.dispatcher import dispatch
from service.outbox.settings import MailSettings
from service.runtime import Runtime
from service.scheduler.deadline_sweep import sweep
from tests import factories
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import city, local, submitted_measure
from tests.service.scheduler.opening import texts

LEAD = "thomas@aschersleben.example"  # Thomas, the AG lead of ``city``


def _without_email(rt: Runtime) -> int:
    return factories.person(rt, given_name="Marco", family_name="Schindler", email=None)


def _sent_at(rt: Runtime, inbox: Inbox, *parts: int) -> None:
    at = local(*parts)
    sweep(rt, at)
    rt.clock.now = at  # type: ignore[attr-defined]
    dispatch(rt)


def test_the_reminders_to_a_responsible_person_without_email_reach_the_ag_lead_naming_them(
    rt: Runtime, inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    city(rt)
    marco = _without_email(rt)
    submitted_measure(rt, marco, local(2024, 1, 8, 9, 0))  # due 19.02.2024

    with caplog.at_level(logging.WARNING, "ratsflow.scheduler"):
        _sent_at(rt, inbox, 2024, 2, 12, 7, 0)
        _sent_at(rt, inbox, 2024, 2, 18, 7, 0)

    seven_days, one_day = inbox.messages
    for message, when in ((seven_days, "in 7 Tagen"), (one_day, "also morgen")):
        assert message["To"] == LEAD
        assert str(message["Subject"]).startswith("Zur Weitergabe an Marco Schindler: Erinnerung")
        text = texts(message)[0]
        assert "Diese Nachricht ist für Marco Schindler bestimmt" in text
        assert f"läuft am 19.02.2024 ab – {when}" in text
    # The log still says whom ratsflow could not e-mail (by id: logs carry no names).
    assert f"Keine E-Mail-Adresse für Person {marco}" in caplog.text


def test_the_fallback_address_still_receives_the_mail_of_a_person_without_one(
    rt: Runtime, inbox: Inbox
) -> None:
    rt.settings = rt.settings.model_copy(
        update={
            "mail": MailSettings(
                **{
                    **rt.settings.mail.model_dump(),
                    "mail_fallback_recipient": "poststelle@aschersleben.example",
                }
            )
        }
    )
    city(rt)
    marco = _without_email(rt)
    submitted_measure(rt, marco, local(2024, 1, 8, 9, 0))

    _sent_at(rt, inbox, 2024, 2, 12, 7, 0)

    [message] = inbox.messages
    assert message["To"] == "poststelle@aschersleben.example"
    text = texts(message)[0]
    assert "Guten Tag Marco Schindler," in text
    assert "Diese Nachricht ist für Marco Schindler bestimmt" in text
