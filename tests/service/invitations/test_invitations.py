"""Meeting invitations as their recipients receive them: every link opens for the person it
is sent to, and the calendar entry is the one the committee calendar shows.

Found by the outside-in review of the demo: the invitation to an FVA session linked every
member to ``/sitzungen/<id>``, the Sitzungsdienst's planning page, which answers a council
member 403; and its calendar entry carried ``sitzung-<id>@<mail domain>`` while the
committee calendar names the same session ``meeting-<id>@<body>.ratsflow``, so a member
subscribed to both had the session twice.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

from fastapi.testclient import TestClient
from icalendar import Calendar

from service.actor import SYSTEM
from service.committees import meetings
from service.invitations.service import send_invitation
from service.outbox.dispatcher import dispatch
from service.runtime import Runtime
from service.scheduler.links import body_url
from tests.service.browser import browser, sign_in
from tests.service.council_members.support import SECRET, paper_in
from tests.service.council_support import actor, committee_id
from tests.service.scheduler.conftest import Inbox

URL = re.compile(r"https?://[^\s\"'<>]+")
# Recipients with a login in the demo; every other FVA member has none.
LOGINS = {
    "k.albrecht@aschersleben.example": "rat.mitglied",
    "a.michelmann@aschersleben.example": "ob",
}


def _fva_session_with_a_closed_paper(rt: Runtime) -> tuple[int, int]:
    """An FVA session ahead with a public item and a non-public one treating a paper of the
    FVA's Beratungsfolge."""
    paper_id = paper_in(rt, "fva")
    office = actor(rt, "sitzungsdienst")
    with rt.write() as c:
        meeting_id = meetings.insert_meeting(
            rt,
            c,
            SYSTEM,
            committee_id=committee_id(rt, "fva"),
            starts_at=rt.now() + timedelta(days=30),
            location="Ratssaal",
        )
        meetings.add_agenda_item(
            rt, c, office, meeting_id, number="Ö 1", title="Einwohnerfragestunde", public=True
        )
        meetings.add_agenda_item(
            rt, c, office, meeting_id, number="N 1", title=None, public=False, paper_id=paper_id
        )
    return meeting_id, paper_id


def _invite(rt: Runtime, inbox: Inbox, meeting_id: int) -> list[EmailMessage]:
    with rt.write() as c:
        send_invitation(rt, c, SYSTEM, meeting_id)
    dispatch(rt)
    return [
        m  # type: ignore[misc]
        for m in inbox.messages
        if str(m["Subject"]).startswith("Einladung: ")
    ]


def _parts(message: EmailMessage, kind: str) -> list[str]:
    return [str(p.get_content()) for p in message.walk() if p.get_content_type() == kind]


def _entry(message: EmailMessage) -> Calendar:
    [ics] = _parts(message, "text/calendar")
    return Calendar.from_ical(ics)


def test_an_invitation_links_no_recipient_to_a_page_they_cannot_open(
    rt: Runtime, inbox: Inbox, demo: Runtime
) -> None:
    meeting_id, paper_id = _fva_session_with_a_closed_paper(rt)
    invitations = _invite(rt, inbox, meeting_id)
    assert len(invitations) == 11  # ten council members and the Oberbürgermeister
    base = body_url(rt)
    links_of: dict[str, set[str]] = {}
    for message in invitations:
        address = str(message["To"])
        links = set()
        for text in _parts(message, "text/plain") + _parts(message, "text/html"):
            links |= set(URL.findall(text.replace("&amp;", "&")))
        for event in _entry(message).walk("VEVENT"):
            if event.get("url"):
                links.add(str(event["url"]))
        username = LOGINS.get(address)
        reader = browser(rt, base_url=base)
        if username:
            assert sign_in(reader, username).status_code == 303
        for url in sorted(links):
            assert url.startswith(base), url
            answer = reader.get(url)
            assert answer.status_code == 200, f"{address}: {url} -> {answer.status_code}"
        links_of[address] = links
    # The council member is led to the paper on the agenda, which she may read; the
    # Oberbürgermeister to the session itself.
    member = links_of["k.albrecht@aschersleben.example"]
    assert f"{base}/vorlagen/{paper_id}" in member
    assert f"{base}/sitzungen/{meeting_id}" in links_of["a.michelmann@aschersleben.example"]
    albrecht = next(m for m in invitations if m["To"] == "k.albrecht@aschersleben.example")
    assert SECRET in _parts(albrecht, "text/plain")[0]


def test_an_invitation_s_calendar_entry_does_not_duplicate_the_committee_calendar_s(
    rt: Runtime, inbox: Inbox, demo: Runtime, client: TestClient
) -> None:
    meeting_id, _ = _fva_session_with_a_closed_paper(rt)
    [invitation, *_] = _invite(rt, inbox, meeting_id)
    [invited] = list(_entry(invitation).walk("VEVENT"))
    feed = client.get(f"/api/v1/calendar/committees/{committee_id(rt, 'fva')}.ics")
    assert feed.status_code == 200, feed.text
    listed = {
        str(e["uid"]): e
        for e in Calendar.from_ical(feed.content).walk("VEVENT")
        if e["dtstart"].dt == invited["dtstart"].dt
    }
    assert str(invited["uid"]) in listed, (str(invited["uid"]), sorted(listed))
    # The same version of the same session: a calendar keeps the newer SEQUENCE.
    assert int(invited.get("sequence", 0)) == int(listed[str(invited["uid"])]["sequence"])
