"""An invitation sent again, to members ratsflow cannot e-mail, or too late, as the
Sitzungsdienst sees it on the command line and the members in their mailboxes.

Found by the outside-in review of the demo:
- after the meeting was moved, ``ratsflow invitation send`` failed with ``unsupported type:
  <class 'datetime.datetime'>`` (the audit entry held the previous sending time as it was),
  and with that mended the outbox would have dropped the changed invitation as a duplicate
  of the first (one key per meeting and member);
- a member without an e-mail address was left out with a line in the log only;
- the command said the invitation was due by 04.12.2026 while the mail to the Sitzungsdienst
  said by 03.12.2026, for a meeting on Thursday 10.12.2026.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import Result

from service.actor import SYSTEM
from service.committees import meetings
from service.invitations.service import send_invitation
from service.people.service import edit_person, find_person
from service.runtime import Runtime
from service.scheduler import cli
from tests.service.cli_calls import ok, ratsflow
from tests.service.council_support import actor
from tests.service.invitations.mails import delivered, event_of, fva_meeting
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import local
from tests.service.scheduler.opening import texts

FVA_SIZE = 11  # ten council members and the Oberbürgermeister
OFFICE = "c.fischer@aschersleben.example"  # Claudia Fischer, the demo's Sitzungsdienst


@pytest.fixture
def command_line(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``ratsflow`` commands on the test's runtime: its database, clock and mail server."""
    monkeypatch.setattr(cli, "open_runtime", lambda body=None: rt)
    yield


def _move(rt: Runtime, meeting_id: int, starts_at: object) -> None:
    with rt.write() as c:
        meetings.edit_meeting(rt, c, actor(rt, "sitzungsdienst"), meeting_id, starts_at=starts_at)


def _invite(meeting_id: int) -> Result:
    return ok("invitation", "send", str(meeting_id))


def test_sending_an_invitation_again_after_the_meeting_moved_does_not_crash(
    rt: Runtime, inbox: Inbox, demo: Runtime, command_line: None
) -> None:
    meeting_id = fva_meeting(rt, local(2026, 10, 8, 17, 0))
    assert f"Einladung an {FVA_SIZE} Mitglieder vorgemerkt." in _invite(meeting_id).output
    _move(rt, meeting_id, local(2026, 10, 15, 17, 0))

    again = _invite(meeting_id)
    assert f"Geänderte Einladung an {FVA_SIZE} Mitglieder vorgemerkt." in again.output
    assert "unsupported" not in again.output


def test_the_changed_invitation_reaches_every_member_with_the_new_time(
    rt: Runtime, inbox: Inbox, demo: Runtime
) -> None:
    meeting_id = fva_meeting(rt, local(2026, 10, 8, 17, 0))
    with rt.write() as c:
        send_invitation(rt, c, SYSTEM, meeting_id)
    first = {str(m["To"]): event_of(m) for m in delivered(rt, inbox, "Einladung: ")}
    assert len(first) == FVA_SIZE
    _move(rt, meeting_id, local(2026, 10, 15, 17, 0))

    with rt.write() as c:
        result = send_invitation(rt, c, SYSTEM, meeting_id)
    changed = delivered(rt, inbox, "Geänderte Einladung: Finanz- und Verwaltungsausschuss am 15.10")
    assert result.invited == FVA_SIZE
    assert sorted(str(m["To"]) for m in changed) == sorted(first)
    for message in changed:
        event = event_of(message)
        # The same entry in the member's calendar, replaced by its higher SEQUENCE.
        assert event["uid"] == first[str(message["To"])]["uid"]
        assert int(event["sequence"]) == 1
        assert event["dtstart"].dt == local(2026, 10, 15, 17, 0)
        assert "wurde geändert" in texts(message)[0]
        assert "15.10.2026, 17:00 Uhr" in texts(message)[0]

    # Sent once more unchanged, it writes nothing twice and says why.
    with rt.write() as c:
        unchanged = send_invitation(rt, c, SYSTEM, meeting_id)
    assert (unchanged.invited, unchanged.already) == (0, FVA_SIZE)


def test_an_invitation_names_the_members_ratsflow_cannot_email_and_the_office_gets_theirs(
    rt: Runtime, inbox: Inbox, demo: Runtime, command_line: None
) -> None:
    with rt.write() as c:
        baumann = find_person(c, rt.body_id, "Uwe", "Baumann")
        assert baumann is not None
        edit_person(rt, c, actor(rt, "sitzungsdienst"), baumann, email=None)
    meeting_id = fva_meeting(rt, local(2026, 10, 8, 17, 0))

    said = _invite(meeting_id).output
    assert f"Einladung an {FVA_SIZE - 1} Mitglieder vorgemerkt." in said
    assert "Ohne E-Mail-Adresse, bitte auf anderem Weg einladen (z. B. per Post): Uwe Baumann." in (
        said
    )
    assert "Ihre Einladung ging zur Weitergabe an: Claudia Fischer." in said
    [copy] = delivered(rt, inbox, "Zur Weitergabe an Uwe Baumann: Einladung: ")
    assert copy["To"] == OFFICE
    assert "Diese Nachricht ist für Uwe Baumann bestimmt" in texts(copy)[0]


def test_the_command_line_and_the_mail_name_the_same_last_day_to_send(
    rt: Runtime, inbox: Inbox, demo: Runtime, command_line: None
) -> None:
    # Thursday 10.12.2026: seven days before is Thursday 03.12.2026, the last day to send.
    meeting_id = fva_meeting(rt, local(2026, 12, 10, 17, 0))
    rt.clock.now = local(2026, 12, 7, 9, 0)  # type: ignore[attr-defined]

    said = _invite(meeting_id).output
    assert "Ladungsfrist verletzt: Versand war bis 03.12.2026 nötig" in said
    [notice] = delivered(rt, inbox, "Ladungsfrist verletzt")
    assert notice["To"] == OFFICE
    assert "Versand bis zum 03.12.2026" in texts(notice)[0]


def test_a_cancelled_meeting_sends_no_invitation(
    rt: Runtime, inbox: Inbox, demo: Runtime, command_line: None
) -> None:
    # Its sequence rose with the cancellation: sent, it would go out as a changed invitation.
    meeting_id = fva_meeting(rt, local(2026, 10, 8, 17, 0))
    with rt.write() as c:
        meetings.cancel_meeting(rt, c, actor(rt, "sitzungsdienst"), meeting_id, reason="Krankheit")

    refused = ratsflow("invitation", "send", str(meeting_id))
    assert refused.exit_code == 1
    assert "Die Sitzung wurde am 01.09.2026 abgesagt" in refused.output
    assert delivered(rt, inbox, "") == []
