"""What invited members hear after the invitation: the cancellation and the Nachtrag, as
they find them in their mailboxes and calendars.

Found by the review of the invitations:
- a cancelled meeting told no one: the invited members' calendars kept the session;
- an agenda item added after the invitation went out (a Nachtrag) did not raise the
  meeting's SEQUENCE, so ``ratsflow invitation send`` reached only members new in the
  committee, and the others never heard of the added item.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.actor import SYSTEM
from service.audit.models import AuditEvent
from service.committees import meetings
from service.invitations.service import send_invitation
from service.outbox.dispatcher import dispatch
from service.people.service import edit_person, find_person
from service.runtime import Runtime
from service.scheduler import cli
from service.scheduler.links import body_url
from tests.service.browser import browser, post_form, sign_in
from tests.service.cli_calls import ok
from tests.service.council_support import API, actor, login
from tests.service.invitations.mails import calendar_of, delivered, event_of, fva_meeting
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import local
from tests.service.scheduler.opening import texts

FVA_SIZE = 11  # ten council members and the Oberbürgermeister
OFFICE = "c.fischer@aschersleben.example"  # Claudia Fischer, the demo's Sitzungsdienst
SUBJECT = "Finanz- und Verwaltungsausschuss am 08.10.2026"


@pytest.fixture
def command_line(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(cli, "open_runtime", lambda body=None: rt)
    yield


def _without_email(rt: Runtime, first: str, last: str) -> int:
    with rt.write() as c:
        person = find_person(c, rt.body_id, first, last)
        assert person is not None
        edit_person(rt, c, actor(rt, "sitzungsdienst"), person, email=None)
    return int(person)


def test_a_cancelled_meeting_tells_its_invited_members_and_removes_their_calendar_entry(
    rt: Runtime, inbox: Inbox, demo: Runtime
) -> None:
    _without_email(rt, "Uwe", "Baumann")
    meeting_id = fva_meeting(rt)
    with rt.write() as c:
        send_invitation(rt, c, SYSTEM, meeting_id)
    invited = {str(m["To"]): event_of(m) for m in delivered(rt, inbox, "Einladung: ")}
    assert len(invited) == FVA_SIZE - 1

    # The Sitzungsdienst calls it off on the meeting's page.
    office = browser(rt, base_url=body_url(rt))
    assert sign_in(office, "sitzungsdienst").status_code == 303
    page = f"/sitzungen/{meeting_id}"
    done = post_form(office, page, f"{page}/absage", {"grund": "Erkrankung des Vorsitzenden"})
    assert done.status_code == 303
    shown = office.get(done.headers["location"]).text
    assert "Wer eingeladen war, erhält die Absage" in shown
    assert f"ging per E-Mail an {FVA_SIZE - 1} eingeladene Mitglieder" in shown
    assert "bitte auf anderem Weg benachrichtigen (z. B. per Post oder Telefon): Uwe Baumann" in (
        shown
    )
    assert "Ihre Absage ging zur Weitergabe an: Claudia Fischer." in shown

    told = delivered(rt, inbox, f"Sitzung abgesagt: {SUBJECT}")
    assert sorted(str(m["To"]) for m in told) == sorted(invited)
    for message in told:
        calendar, method = calendar_of(message)
        event = event_of(message)
        # The calendar program removes the entry the invitation brought.
        assert (str(calendar["method"]), method) == ("CANCEL", "CANCEL")
        assert str(event["status"]) == "CANCELLED"
        assert event["uid"] == invited[str(message["To"])]["uid"]
        assert int(event["sequence"]) > int(invited[str(message["To"])]["sequence"])
        plain = texts(message)[0]
        assert "ist abgesagt" in plain and "08.10.2026, 17:00 Uhr" in plain
        assert "Grund der Absage: Erkrankung des Vorsitzenden" in plain
    # The member without an address gets it as his invitation went: through the office.
    [copy] = delivered(rt, inbox, f"Zur Weitergabe an Uwe Baumann: Sitzung abgesagt: {SUBJECT}")
    assert copy["To"] == OFFICE
    assert str(calendar_of(copy)[0]["method"]) == "CANCEL"

    # The cancellation's audit event says whom it told, in the same transaction.
    with rt.read() as c:
        [payload] = c.execute(
            select(AuditEvent.payload).where(  # type: ignore[call-overload]
                AuditEvent.action == "meeting.cancel", AuditEvent.entity_id == meeting_id
            )
        ).scalars()
    context = json.loads(payload)["context"]
    # Whom it could not e-mail is personal: the hashed part holds its digest only.
    assert context["told"] == FVA_SIZE - 1 and context["without_email"]


def test_a_meeting_cancelled_over_the_api_before_its_invitation_writes_to_no_one(
    rt: Runtime, inbox: Inbox, demo: Runtime, client: TestClient
) -> None:
    meeting_id = fva_meeting(rt)
    office = login(client, "sitzungsdienst")
    answer = client.post(f"{API}/meetings/{meeting_id}/cancel", json={}, headers=office)
    assert answer.status_code == 200, answer.text
    assert delivered(rt, inbox, "") == []


def test_an_agenda_item_added_after_the_invitation_reached_only_new_members(
    rt: Runtime, inbox: Inbox, demo: Runtime, client: TestClient, command_line: None
) -> None:
    meeting_id = fva_meeting(rt)
    ok("invitation", "send", str(meeting_id))
    invited = {str(m["To"]): event_of(m) for m in delivered(rt, inbox, "Einladung: ")}
    assert len(invited) == FVA_SIZE

    added = client.post(
        f"{API}/meetings/{meeting_id}/agenda-items",
        json={"number": "Ö 2", "title": "Bericht zur Haushaltslage", "public": True},
        headers=login(client, "sitzungsdienst"),
    )
    assert added.status_code == 201, added.text

    said = ok("invitation", "send", str(meeting_id)).output
    assert (
        f"Nachtrag zur Einladung an {FVA_SIZE} Mitglieder vorgemerkt; neu auf der "
        "Tagesordnung: Ö 2 Bericht zur Haushaltslage." in said
    )
    assert "Einladung an 0 Mitglieder" not in said
    supplements = delivered(rt, inbox, f"Nachtrag zur Einladung: {SUBJECT}")
    assert sorted(str(m["To"]) for m in supplements) == sorted(invited)
    for message in supplements:
        event = event_of(message)
        # The same calendar entry, updated: it lists the added item.
        assert event["uid"] == invited[str(message["To"])]["uid"]
        assert int(event["sequence"]) == int(invited[str(message["To"])]["sequence"]) + 1
        assert "Ö 2 Bericht zur Haushaltslage" in str(event["description"])
        plain = texts(message)[0]
        added_part, _, whole = plain.partition("Die vollständige Tagesordnung:")
        assert "als Nachtrag zur Einladung" in added_part
        assert "Ö 2 Bericht zur Haushaltslage" in added_part and "Ö 1" not in added_part
        assert "Ö 1" in whole and "Ö 2 Bericht zur Haushaltslage" in whole

    # Sent once more unchanged, nothing goes twice; moved, everyone gets the changed one.
    assert (
        "11 Mitglieder hatten diese Fassung schon"
        in ok("invitation", "send", str(meeting_id)).output
    )
    with rt.write() as c:
        meetings.edit_meeting(
            rt, c, actor(rt, "sitzungsdienst"), meeting_id, starts_at=local(2026, 10, 15, 17, 0)
        )
    moved = ok("invitation", "send", str(meeting_id)).output
    assert f"Geänderte Einladung an {FVA_SIZE} Mitglieder vorgemerkt." in moved
    assert "Nachtrag" not in moved


def test_a_cancellation_written_while_the_mail_server_is_down_goes_out_when_it_is_back(
    rt: Runtime, inbox: Inbox, demo: Runtime
) -> None:
    meeting_id = fva_meeting(rt)
    with rt.write() as c:
        send_invitation(rt, c, SYSTEM, meeting_id)
    assert len(delivered(rt, inbox, "Einladung: ")) == FVA_SIZE
    port = rt.settings.mail.smtp_port
    rt.settings.mail.smtp_port = 1  # nothing listens there: the server is down
    with rt.write() as c:
        notice = meetings.cancel_meeting(
            rt, c, actor(rt, "sitzungsdienst"), meeting_id, reason="Sturm"
        )
    assert notice.told == FVA_SIZE
    assert dispatch(rt).retrying == FVA_SIZE
    assert delivered(rt, inbox, "Sitzung abgesagt") == []

    rt.settings.mail.smtp_port = port
    rt.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    assert len(delivered(rt, inbox, f"Sitzung abgesagt: {SUBJECT}")) == FVA_SIZE
