"""Whom a cancellation reaches, and what the Sitzungsdienst is told of it at each door.

Found after the cancellation was built (four gaps the last session left):
- a member invited and then leaving the committee before the meeting day got no
  cancellation: it went to the members of the meeting day only, and her calendar kept the
  session;
- an invitation still waiting in the outbox when the meeting was cancelled went out all the
  same, followed by the cancellation;
- the API's answer to a cancellation did not name the members without an e-mail address,
  which the meeting's page does.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.committees import meetings
from service.invitations.cancellation import CancellationNotice
from service.invitations.service import send_invitation
from service.outbox.dispatcher import dispatch
from service.people.service import edit_person, find_person
from service.runtime import Runtime
from service.scheduler.links import body_url
from tests.service.browser import browser, sign_in
from tests.service.council_support import API, actor, committee_id, login
from tests.service.invitations.mails import calendar_of, delivered, event_of, fva_meeting
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import local

FVA_SIZE = 11  # ten council members and the Oberbürgermeister
SUBJECT = "Finanz- und Verwaltungsausschuss am 08.10.2026"
LEAVER = "i.dietrich@aschersleben.example"  # Ines Dietrich, a council member in the FVA


def _invite(rt: Runtime, meeting_id: int) -> None:
    with rt.write() as c:
        send_invitation(rt, c, SYSTEM, meeting_id)


def _cancel(rt: Runtime, meeting_id: int) -> CancellationNotice:
    with rt.write() as c:
        return meetings.cancel_meeting(
            rt, c, actor(rt, "sitzungsdienst"), meeting_id, reason="Erkrankung des Vorsitzenden"
        )


def _cancel_over_the_api(client: TestClient, meeting_id: int) -> dict:  # type: ignore[type-arg]
    answer = client.post(
        f"{API}/meetings/{meeting_id}/cancel",
        json={"reason": "Erkrankung des Vorsitzenden"},
        headers=login(client, "sitzungsdienst"),
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_cancelled_meeting_tells_members_who_left_the_committee(
    rt: Runtime, inbox: Inbox, demo: Runtime, client: TestClient
) -> None:
    meeting_id = fva_meeting(rt)
    _invite(rt, meeting_id)
    invited = {str(m["To"]): event_of(m) for m in delivered(rt, inbox, "Einladung: ")}
    assert len(invited) == FVA_SIZE and LEAVER in invited

    # She leaves the committee on 30.09.2026, before the meeting day.
    office = login(client, "sitzungsdienst")
    fva = committee_id(rt, "fva")
    members = client.get(f"{API}/committees/{fva}/memberships", headers=office).json()["items"]
    [hers] = [m for m in members if m["name"] == "Ines Dietrich"]
    ended = client.post(
        f"{API}/committees/{fva}/memberships/{hers['id']}/end",
        json={"valid_until": "2026-09-30"},
        headers=office,
    )
    assert ended.status_code == 200, ended.text
    # Leaving writes no letter: the entry stays until the session is held or cancelled.
    assert dispatch(rt).handled == 0 and len(inbox.messages) == FVA_SIZE

    assert _cancel(rt, meeting_id).told == FVA_SIZE

    told = delivered(rt, inbox, f"Sitzung abgesagt: {SUBJECT}")
    assert sorted(str(m["To"]) for m in told) == sorted(invited)
    [letter] = [m for m in told if m["To"] == LEAVER]
    method, event = str(calendar_of(letter)[0]["method"]), event_of(letter)
    assert method == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert event["uid"] == invited[LEAVER]["uid"]
    assert int(event["sequence"]) > int(invited[LEAVER]["sequence"])


def test_an_invitation_still_waiting_in_the_outbox_does_not_go_out_after_the_cancellation(
    rt: Runtime, inbox: Inbox, demo: Runtime
) -> None:
    meeting_id = fva_meeting(rt)
    _invite(rt, meeting_id)  # the dispatcher has not run yet

    notice = _cancel(rt, meeting_id)

    # Nobody had the invitation, so nobody needs the cancellation.
    assert delivered(rt, inbox, "") == []
    assert notice.told == 0


def test_a_changed_invitation_still_waiting_gives_way_to_the_cancellation(
    rt: Runtime, inbox: Inbox, demo: Runtime
) -> None:
    meeting_id = fva_meeting(rt)
    _invite(rt, meeting_id)
    invited = {str(m["To"]): event_of(m) for m in delivered(rt, inbox, "Einladung: ")}
    with rt.write() as c:
        meetings.edit_meeting(
            rt, c, actor(rt, "sitzungsdienst"), meeting_id, starts_at=local(2026, 10, 15, 17, 0)
        )
    _invite(rt, meeting_id)  # the changed invitation waits in the outbox

    notice = _cancel(rt, meeting_id)

    assert delivered(rt, inbox, "Geänderte Einladung") == []
    # Everyone had the first invitation: its calendar entry goes.
    told = delivered(rt, inbox, "Sitzung abgesagt: Finanz- und Verwaltungsausschuss am 15.10")
    assert sorted(str(m["To"]) for m in told) == sorted(invited)
    assert notice.told == FVA_SIZE
    for message in told:
        method, event = str(calendar_of(message)[0]["method"]), event_of(message)
        assert method == "CANCEL" and event["uid"] == invited[str(message["To"])]["uid"]
        assert int(event["sequence"]) > 1  # above the changed invitation's, which never went


def test_the_api_cancel_answer_names_the_members_without_email(
    rt: Runtime, inbox: Inbox, demo: Runtime, client: TestClient
) -> None:
    with rt.write() as c:
        baumann = find_person(c, rt.body_id, "Uwe", "Baumann")
        assert baumann is not None
        edit_person(rt, c, actor(rt, "sitzungsdienst"), baumann, email=None)
    meeting_id = fva_meeting(rt)
    _invite(rt, meeting_id)
    dispatch(rt)

    said = _cancel_over_the_api(client, meeting_id)["cancellation"]

    assert said["told"] == FVA_SIZE - 1
    assert said["without_email"] == ["Uwe Baumann"]
    assert said["passed_to"] == ["Claudia Fischer"]
    assert said["text"] == (
        f"Die Absage mit dem Kalendereintrag, der den Termin entfernt, ging per E-Mail an "
        f"{FVA_SIZE - 1} eingeladene Mitglieder. Ohne E-Mail-Adresse, bitte auf anderem Weg "
        "benachrichtigen (z. B. per Post oder Telefon): Uwe Baumann. Ihre Absage ging zur "
        "Weitergabe an: Claudia Fischer."
    )
    # The meeting's page says the same.
    page = browser(rt, base_url=body_url(rt))
    assert sign_in(page, "sitzungsdienst").status_code == 303
    assert said["text"] in page.get(f"/sitzungen/{meeting_id}").text
