"""Calendar feeds: committees' sessions, a person's secret feed, and what each may show."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.api_calls import API, fire, login
from tests.service.calendar.conftest import (
    BERLIN,
    committee_id,
    events,
    meeting_uid,
    new_feed,
    parsed,
    plan_session,
)
from tests.service.neighbour import PREFIX, SLUG, leaked, neighbour
from tests.service.reads import reads


def test_sessions_around_the_dst_changes_keep_17_00_local(
    client: TestClient, demo: Runtime
) -> None:
    spring = plan_session(client, "stadtrat", demo, datetime(2025, 3, 30, 17, tzinfo=BERLIN))
    autumn = plan_session(client, "stadtrat", demo, datetime(2025, 10, 26, 17, tzinfo=BERLIN))
    demo.clock.now = datetime(2025, 3, 1, 9, tzinfo=UTC)  # type: ignore[attr-defined]
    calendar = parsed(client.get(f"{API}/calendar/committees/{committee_id(demo, 'stadtrat')}.ics"))
    zones = [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == ["Europe/Berlin"]
    found = events(calendar)
    for meeting_id, offset, utc_hour in ((spring, 2, 15), (autumn, 1, 16)):
        event = found[meeting_uid(meeting_id)]
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (17, 0)
        assert start.utcoffset() == timedelta(hours=offset)
        assert start.astimezone(UTC).hour == utc_hour
        assert event.decoded("DTEND") - start == timedelta(hours=2)
        assert str(event["SUMMARY"]) == "Sitzung Stadtrat"
        assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 0
    assert b"TZOFFSETTO:+0200" in calendar.to_ical()


def test_a_change_raises_sequence_and_a_cancelled_session_is_marked(
    client: TestClient, demo: Runtime
) -> None:
    at = demo.now() + timedelta(days=10)
    meeting = plan_session(client, "fva", demo, at)
    office = login(client, "sitzungsdienst")
    url = f"{API}/calendar/committees/{committee_id(demo, 'fva')}.ics"

    def current() -> tuple[int, str, str]:
        event = events(parsed(client.get(url)))[meeting_uid(meeting)]
        return int(event["SEQUENCE"]), str(event["STATUS"]), str(event.get("LOCATION"))

    assert current() == (0, "CONFIRMED", "Ratssaal")
    same = client.patch(f"{API}/meetings/{meeting}", json={"location": "Ratssaal"}, headers=office)
    assert same.status_code == 200
    assert current() == (0, "CONFIRMED", "Ratssaal")
    moved = client.patch(
        f"{API}/meetings/{meeting}", json={"location": "Bestehornhaus"}, headers=office
    )
    assert moved.status_code == 200, moved.text
    assert current() == (1, "CONFIRMED", "Bestehornhaus")
    cancelled = client.post(
        f"{API}/meetings/{meeting}/cancel", json={"reason": "Beschlussunfähig"}, headers=office
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["cancel_reason"] == "Beschlussunfähig"
    assert current() == (2, "CANCELLED", "Bestehornhaus")
    again = client.post(f"{API}/meetings/{meeting}/cancel", json={}, headers=office)
    assert again.status_code == 409
    lead = login(client, "ag.leitung")
    refused = client.post(f"{API}/meetings/{meeting}/cancel", json={}, headers=lead)
    assert refused.status_code == 403


def test_an_internal_committee_feed_needs_a_token_of_someone_who_may_see_it(
    client: TestClient, demo: Runtime
) -> None:
    meeting = plan_session(client, "ag-digitalisierung", demo, demo.now() + timedelta(days=3))
    url = f"{API}/calendar/committees/{committee_id(demo, 'ag-digitalisierung')}.ics"
    assert client.get(url).status_code == 404
    assert client.get(url, params={"token": "x" * 43}).status_code == 404
    token = new_feed(client, "ag.leitung").rsplit("/", 1)[1].removesuffix(".ics")
    before = len(reads(demo, "committee.read"))
    calendar = parsed(client.get(url, params={"token": token}))
    assert meeting_uid(meeting) in events(calendar)
    assert len(reads(demo, "committee.read")) == before + 1
    # A public council body's feed is logged for nobody.
    client.get(f"{API}/calendar/committees/{committee_id(demo, 'stadtrat')}.ics")
    assert len(reads(demo, "committee.read")) == before + 1


def test_a_revoked_feed_token_answers_404(client: TestClient, demo: Runtime) -> None:
    lead = login(client, "ag.leitung")
    assert client.get(f"{API}/calendar/me", headers=lead).json()["active"] is False
    first = new_feed(client, "ag.leitung")
    assert first.startswith("/api/v1/calendar/feeds/")
    assert client.get(first).status_code == 200
    assert client.get(f"{API}/calendar/me", headers=lead).json()["active"] is True
    second = new_feed(client, "ag.leitung")
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.delete(f"{API}/calendar/me", headers=lead).status_code == 204
    gone = client.get(second)
    assert gone.status_code == 404
    assert gone.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"{API}/calendar/me", headers=lead).json()["active"] is False


def _in_ag_review(
    client: TestClient, username: str, code: str, *, public: bool = True, **fields: object
) -> int:
    """A measure of the user's own, submitted to the AG: its review deadline is open."""
    auth = login(client, username)
    created = client.post(
        f"{API}/measures",
        json={
            "programme_id": 1,
            "code": code,
            "title": f"Vorhaben {code}",
            "public": public,
            "fields": fields,
        },
        headers=auth,
    )
    assert created.status_code == 201, created.text
    measure = int(created.json()["id"])
    submitted = fire(client, auth, measure, "einreichen", created.json()["version"])
    assert submitted.status_code == 200, submitted.text
    return measure


def test_a_person_feed_holds_their_sessions_deadlines_and_statement_requests_only(
    client: TestClient, demo: Runtime
) -> None:
    ag_session = plan_session(client, "ag-digitalisierung", demo, demo.now() + timedelta(days=3))
    joint = plan_session(client, "gemeinsame-ag-beratung", demo, demo.now() + timedelta(days=4))
    council = plan_session(client, "stadtrat", demo, demo.now() + timedelta(days=5))
    hidden = _in_ag_review(client, "ag.leitung", "M-30", public=False)
    own = _in_ag_review(client, "ag.mitglied", "M-31")

    before = len(reads(demo, "calendar_feed.read"))
    lead = events(parsed(client.get(new_feed(client, "ag.leitung"))))
    assert len(reads(demo, "calendar_feed.read")) == before + 1  # shows M-30 and the AG
    assert {meeting_uid(ag_session), meeting_uid(joint)} <= lead.keys()
    assert meeting_uid(council) not in lead  # not a member of the Stadtrat
    deadlines = {uid: e for uid, e in lead.items() if uid.startswith("deadline-")}
    assert [str(e["SUMMARY"]) for e in deadlines.values()] == [
        "Frist: Prüfung in der AG abschließen (M-30)"
    ]
    (entry,) = deadlines.values()
    assert entry.decoded("DTSTART") == date(2026, 10, 13)  # six weeks after 01.09.2026
    assert str(entry["TRANSP"]) == "TRANSPARENT"
    assert not [uid for uid in lead if uid.startswith("statement-")]

    member = events(parsed(client.get(new_feed(client, "ag.mitglied"))))
    assert meeting_uid(ag_session) in member
    assert [str(e["SUMMARY"]) for uid, e in member.items() if uid.startswith("deadline-")] == [
        "Frist: Prüfung in der AG abschließen (M-31)"
    ]
    assert "M-30" not in client.get(new_feed(client, "ag.mitglied")).text

    dsb = events(parsed(client.get(new_feed(client, "datenschutz"))))
    assert meeting_uid(joint) in dsb and meeting_uid(ag_session) not in dsb
    assert not [uid for uid in dsb if uid.startswith("deadline-")]
    assert own and hidden


def test_a_statement_request_appears_in_the_feed_of_its_role(
    client: TestClient, demo: Runtime
) -> None:
    measure = _in_ag_review(client, "ag.leitung", "M-32", personenbezogen=True)
    dsb = events(parsed(client.get(new_feed(client, "datenschutz"))))
    uid = f"statement-datenschutz-{measure}@aschersleben.ratsflow"
    assert str(dsb[uid]["SUMMARY"]) == "Stellungnahme Datenschutzbeauftragte/r: M-32"
    assert dsb[uid].decoded("DTSTART") == date(2026, 10, 13)
    isb = events(parsed(client.get(new_feed(client, "informationssicherheit"))))
    assert not [u for u in isb if u.endswith(f"-{measure}@aschersleben.ratsflow")]
    given = client.post(
        f"{API}/measures/{measure}/statements",
        json={"outcome": "zustimmend", "text": "Keine Bedenken.", "given_on": "2026-09-01"},
        headers=login(client, "datenschutz"),
    )
    assert given.status_code == 201, given.text
    assert uid not in events(parsed(client.get(new_feed(client, "datenschutz"))))


def test_feeds_of_one_body_are_not_found_at_another(client: TestClient, demo: Runtime) -> None:
    other = neighbour(demo)
    at_a = new_feed(client, "ag.leitung")
    token = at_a.rsplit("/", 1)[1]
    # A's feed token at B's address, and B's committee at A's, are missing.
    assert client.get(f"/b/{SLUG}{at_a}").status_code == 404
    assert client.get(f"{API}/calendar/committees/{other.committee_id}.ics").status_code == 404
    at_b = client.get(f"{PREFIX}/calendar/committees/{other.committee_id}.ics")
    assert meeting_uid(other.meeting_id).replace("aschersleben", SLUG) in events(parsed(at_b))
    assert not leaked(client.get(at_a).text)
    internal = committee_id(demo, "ag-digitalisierung")
    refused = client.get(
        f"{PREFIX}/calendar/committees/{internal}.ics", params={"token": token[:-4]}
    )
    assert refused.status_code == 404


def test_a_public_committee_feed_links_no_session_page_the_public_cannot_open(
    client: TestClient, demo: Runtime
) -> None:
    """Regression: the anonymous feed gave each session ``URL:…/sitzungen/<Nr.>``, the
    Sitzungsdienst's page (303 to the login for the public). There is no public session
    page, so the public gets no link; staff reading with their token keep theirs."""
    meeting = plan_session(client, "fva", demo, demo.now() + timedelta(days=6))
    url = f"{API}/calendar/committees/{committee_id(demo, 'fva')}.ics"
    public = events(parsed(client.get(url)))[meeting_uid(meeting)]
    assert "URL" not in public
    token = new_feed(client, "ag.leitung").rsplit("/", 1)[1].removesuffix(".ics")
    staff = events(parsed(client.get(url, params={"token": token})))[meeting_uid(meeting)]
    assert str(staff["URL"]).endswith(f"/sitzungen/{meeting}")


def test_a_council_member_creates_her_own_calendar_feed(client: TestClient, demo: Runtime) -> None:
    """Regression: ``POST /api/v1/calendar/me`` answered a council member 403 „Ein eigenes
    Konto verwalten dürfen nur diese Rollen: …“, while every signed-in person has a feed of
    her committees' sessions (docs/kalender-und-excel.md); she is whom it is made for."""
    fva = plan_session(client, "fva", demo, demo.now() + timedelta(days=6))
    council = plan_session(client, "stadtrat", demo, demo.now() + timedelta(days=8))
    joint = plan_session(client, "gemeinsame-ag-beratung", demo, demo.now() + timedelta(days=9))
    her = login(client, "rat.mitglied")
    assert client.get(f"{API}/calendar/me", headers=her).json()["active"] is False
    feed = events(parsed(client.get(new_feed(client, "rat.mitglied"))))
    assert {meeting_uid(fva), meeting_uid(council)} <= feed.keys()
    assert meeting_uid(joint) not in feed
    # Her sessions link no page she cannot open (the session page is the Sitzungsdienst's).
    assert not [uid for uid, event in feed.items() if "URL" in event]
    assert client.get(f"{API}/calendar/me", headers=her).json()["active"] is True
    assert client.delete(f"{API}/calendar/me", headers=her).status_code == 204


def test_a_personal_feed_is_named_after_the_person_not_the_login(
    client: TestClient, demo: Runtime
) -> None:
    """Regression: the feed was called „ratsflow: ag.leitung“ in the calendar's list."""
    calendar = parsed(client.get(new_feed(client, "ag.leitung")))
    assert str(calendar["X-WR-CALNAME"]) == "ratsflow: Thomas Behrendt"
    calendar = parsed(client.get(new_feed(client, "rat.mitglied")))
    assert str(calendar["X-WR-CALNAME"]) == "ratsflow: Karin Albrecht"


def test_a_session_after_2037_keeps_its_offset_and_the_zone_has_no_english_note(
    client: TestClient, demo: Runtime
) -> None:
    """Regression: the VTIMEZONE came from ``icalendar`` for 1970 to 2038 only, with its
    note „This timezone only works from 1970-01-01 to 2038-01-01.“: a client reading a
    session in July 2040 by it put it at 16:00 (winter time). Now the zone spans the
    sessions' years and carries no English text."""
    summer = plan_session(client, "stadtrat", demo, datetime(2040, 7, 5, 17, tzinfo=BERLIN))
    winter = plan_session(client, "stadtrat", demo, datetime(2041, 1, 10, 17, tzinfo=BERLIN))
    response = client.get(f"{API}/calendar/committees/{committee_id(demo, 'stadtrat')}.ics")
    calendar = parsed(response)
    assert b"COMMENT" not in response.content and b"This timezone" not in response.content
    (zone,) = calendar.walk("VTIMEZONE")
    # The zone as the feed describes it, not Python's own Europe/Berlin.
    described = zone.to_tz(lookup_tzid=False)
    found = events(calendar)
    for meeting, offset in ((summer, 2), (winter, 1)):
        local = found[meeting_uid(meeting)]["DTSTART"].dt.replace(tzinfo=None)
        assert local.hour == 17
        assert local.replace(tzinfo=described).utcoffset() == timedelta(hours=offset)
