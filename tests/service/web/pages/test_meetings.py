"""The Sitzungsdienst's Sitzung pages: attendance in one step, the list by committee, the
vote under its agenda item (demo city, both backends)."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.committees import attendance, meetings
from service.demo import data
from service.errors import AccessDenied, Conflict
from service.papers.service import get_paper
from service.runtime import Runtime
from tests import factories as make
from tests.service.browser import post_form, signed_in
from tests.service.council_support import API, actor, audit_events, committee_id, login
from tests.service.papers.support import paper_in_fva, paper_on_agenda, version_of, votes
from workflow.calendar import local_day_at

CHECKED = re.compile(r'name="status_(\d+)" value="(\w+)"[^>]*\bchecked\b')


def _meeting(runtime: Runtime, slug: str, day: str) -> int:
    """A session of the committee at 17:00 on that day."""
    with runtime.write() as c:
        return meetings.new_meeting(
            runtime,
            c,
            actor(runtime, "sitzungsdienst"),
            committee_id=committee_id(runtime, slug),
            starts_at=local_day_at(date.fromisoformat(day), time(17)),
        )


def _item(html: str, item_id: int) -> str:
    """What the meeting page shows of one agenda item."""
    return html.split(f'id="top-{item_id}"')[1].split("</li>")[0]


def _sheet(client: TestClient, meeting: int) -> dict[str, str]:
    """Who the attendance sheet shows as what (person id -> status)."""
    return dict(CHECKED.findall(client.get(f"/sitzungen/{meeting}").text))


def _attendance_events(runtime: Runtime, meeting: int) -> int:
    with runtime.read() as c:
        query = select(audit_events.c.id).where(
            audit_events.c.action == "meeting.attendance", audit_events.c.entity_id == meeting
        )
        return len(c.execute(query).all())


def _api_attendance(client: TestClient, meeting: int) -> list[dict[str, object]]:
    """The sheet as the API reads it: the same service behind both doors."""
    answer = client.get(
        f"{API}/meetings/{meeting}/attendance", headers=login(client, "sitzungsdienst")
    )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, object]] = answer.json()["items"]
    return items


def test_attendance_for_the_stadtrat_takes_37_clicks(demo: Runtime) -> None:
    """One POST marks every member present; then only the exceptions are changed."""
    meeting = _meeting(demo, "stadtrat", "2026-09-02")
    office = signed_in(demo, "sitzungsdienst")
    page = f"/sitzungen/{meeting}"
    members = _sheet(office, meeting)
    # Everyone starts absent: 37 radio buttons to click, one per member, before this.
    assert len(members) == len(data.STADTRAT_MEMBERS) == 37
    assert set(members.values()) == {"abwesend"}
    assert "Alle anwesend" in office.get(page).text

    done = post_form(office, page, f"{page}/anwesenheit/alle", {})
    assert done.status_code == 303, done.text
    assert (
        "Alle Mitglieder sind als anwesend eingetragen" in office.get(done.headers["location"]).text
    )
    assert _sheet(office, meeting) == dict.fromkeys(members, "anwesend")
    assert _attendance_events(demo, meeting) == 1
    shown = _api_attendance(office, meeting)
    assert {e["status"] for e in shown} == {"anwesend"} and len(shown) == len(members)

    # The exceptions: two excused, one absent; the rest stays present.
    excused, absent = list(members)[:2], list(members)[2]
    sheet = {f"status_{p}": "anwesend" for p in members}
    sheet |= {f"status_{p}": "entschuldigt" for p in excused} | {f"status_{absent}": "abwesend"}
    saved = post_form(office, page, f"{page}/anwesenheit", sheet)
    assert saved.status_code == 303
    after = _sheet(office, meeting)
    assert [p for p, s in after.items() if s != "anwesend"] == [*excused, absent]
    assert _attendance_events(demo, meeting) == 2


def test_all_present_is_the_sitzungsdienst_s_and_keeps_a_guest_s_status(demo: Runtime) -> None:
    meeting = _meeting(demo, "fva", "2026-09-02")
    guest = make.person(demo)
    office = actor(demo, "sitzungsdienst")
    with demo.write() as c:
        attendance.record_attendance(demo, c, office, meeting, [(guest, "entschuldigt")])
    with pytest.raises(AccessDenied), demo.write() as c:
        attendance.record_all_present(demo, c, actor(demo, "ag.leitung"), meeting)
    lead = signed_in(demo, "ag.leitung")
    page = f"/sitzungen/{meeting}"
    assert "Alle anwesend" not in lead.get(page).text
    refused = post_form(lead, page, f"{page}/anwesenheit/alle", {})
    assert refused.status_code == 403
    assert _attendance_events(demo, meeting) == 1

    with demo.write() as c:
        attendance.record_all_present(demo, c, office, meeting)
    with demo.read() as c:
        entries = attendance.attendance_list(c, meetings.get_meeting(c, demo.body_id, meeting))
    assert {e.person_id: e.status for e in entries if not e.member} == {guest: "entschuldigt"}
    assert {e.status for e in entries if e.member} == {"anwesend"}
    assert _attendance_events(demo, meeting) == 2


def test_sessions_list_not_filtered_by_committee(demo: Runtime) -> None:
    fva, council = _meeting(demo, "fva", "2026-09-09"), _meeting(demo, "stadtrat", "2026-09-10")
    office = signed_in(demo, "sitzungsdienst")
    every = office.get("/sitzungen").text
    assert f'href="/sitzungen/{fva}"' in every and f'href="/sitzungen/{council}"' in every

    only_fva = office.get("/sitzungen", params={"gremium": committee_id(demo, "fva")})
    assert only_fva.status_code == 200
    assert f'href="/sitzungen/{fva}"' in only_fva.text
    assert f'href="/sitzungen/{council}"' not in only_fva.text
    assert "<h1>Sitzungen: Finanz- und Verwaltungsausschuss</h1>" in only_fva.text
    chosen = f'<option value="{committee_id(demo, "fva")}" selected>'
    assert chosen in only_fva.text
    # Coming sessions first, the next one on top; then the past ones, the last on top.
    coming, past = only_fva.text.split('id="vergangene"')
    assert f'href="/sitzungen/{fva}"' in coming and "21.02.2024" in past

    unknown = office.get("/sitzungen", params={"gremium": "99999"}).text
    assert "Dieses Gremium gibt es nicht" in unknown
    assert f'href="/sitzungen/{council}"' in unknown
    # The meeting page leads back to the sessions of its committee.
    back = f'href="/sitzungen?gremium={committee_id(demo, "stadtrat")}"'
    assert back in office.get(f"/sitzungen/{council}").text


def test_the_vote_is_recorded_under_its_agenda_item(client: TestClient, demo: Runtime) -> None:
    """The form sits in the item; the vote service decides, dated on the session's day."""
    on_agenda = paper_on_agenda(client, demo)
    office = signed_in(demo, "sitzungsdienst")
    page = f"/sitzungen/{on_agenda.meeting_id}"
    item = _item(office.get(page).text, on_agenda.item_id)
    assert f'name="top" value="{on_agenda.item_id}"' in item
    assert 'name="beschlusstext"' in item and 'name="ja"' in item and 'value="einstimmig"' in item

    assert post_form(office, page, f"{page}/anwesenheit/alle", {}).status_code == 303
    vote = {
        "top": str(on_agenda.item_id),
        "art": "stimmen",
        "ja": "8",
        "nein": "1",
        "enthaltung": "0",
        "beschlusstext": "Der FVA empfiehlt die Vorlage.",
        "version": str(version_of(demo, "paper", on_agenda.paper.id)),
    }
    recorded = post_form(office, page, f"{page}/abstimmung", vote)
    assert recorded.status_code == 303, recorded.text
    item = _item(office.get(page).text, on_agenda.item_id)
    assert "erfasst, angenommen" in item and 'name="top"' not in item
    with demo.read() as c:
        assert get_paper(c, on_agenda.paper.id).state == "entscheidung"
        row = c.execute(select(votes).where(votes.c.paper_id == on_agenda.paper.id)).one()
    assert row.held_on == date(2026, 8, 26) and row.meeting_id == on_agenda.meeting_id
    assert (row.yes, row.no, row.abstain, row.decision_text) == (8, 1, 0, vote["beschlusstext"])


def test_an_item_of_a_coming_session_waits_and_a_paper_without_a_step_here_says_so(
    client: TestClient, demo: Runtime
) -> None:
    office_api = login(client, "sitzungsdienst")
    coming = _meeting(demo, "fva", "2026-09-30")
    planned, unplanned = paper_in_fva(client, demo).id, make.paper(demo)
    items = [
        client.post(
            f"{API}/meetings/{coming}/agenda-items",
            json={"number": f"Ö {n}", "title": "Punkt", "paper_id": paper},
            headers=office_api,
        )
        for n, paper in enumerate((planned, unplanned), start=1)
    ]
    assert all(i.status_code == 201 for i in items), [i.text for i in items]
    html = signed_in(demo, "sitzungsdienst").get(f"/sitzungen/{coming}").text
    waiting, without_step = (_item(html, i.json()["id"]) for i in items)
    assert "Abstimmung: offen" in waiting and 'name="top"' not in waiting
    assert "ab dem Sitzungstag (30.09.2026) hier erfassen" in waiting
    assert "in diesem Gremium nicht geplant" in without_step
    assert f'href="/vorlagen/{unplanned}#beratung-planen"' in without_step


def test_alle_anwesend_is_offered_on_a_cancelled_meeting(demo: Runtime) -> None:
    meeting = _meeting(demo, "fva", "2026-09-02")
    office = actor(demo, "sitzungsdienst")
    with demo.write() as c:
        meetings.cancel_meeting(demo, c, office, meeting, reason="Beschlussunfähig")
    web = signed_in(demo, "sitzungsdienst")
    page = f"/sitzungen/{meeting}"
    shown = web.get(page).text
    assert "Alle anwesend" not in shown and "Anwesenheit speichern" not in shown
    assert "keine Anwesenheit erfasst" in shown
    refused = post_form(web, page, f"{page}/anwesenheit/alle", {})
    assert refused.status_code == 409
    assert "Die Sitzung am 02.09.2026 ist abgesagt" in refused.text
    with pytest.raises(Conflict), demo.write() as c:
        attendance.record_attendance(demo, c, office, meeting, [])
    assert _attendance_events(demo, meeting) == 0
