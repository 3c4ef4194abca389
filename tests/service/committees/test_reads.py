"""Members and attendance of an internal working group are personal data of a non-public
body: only staff read them, and each read leaves one access event.

``committees.service.read_memberships`` logs ``committee.read``; ``committees.reading.
read_meeting`` logs ``meeting.read`` (its attendance and the papers its page offers too),
``read_meetings`` a list naming a session of an internal group. A council body's council
members and public meetings are public: their reads leave nothing; staff among its members
(the Oberbürgermeister) are not, so a read that shows them is logged.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests import factories as make
from tests.service import reads as trail
from tests.service.browser import signed_in
from tests.service.council_support import API, actor, assert_problem, committee_id, login
from tests.service.papers.support import reads

OB = "Michelmann"  # the Oberbürgermeister: staff, and a voting member of the FVA
ROOM = "Beratungsraum 2.14"
SECRET = "Personalentwicklungskonzept Verwaltung 2027"


def meeting(client: TestClient, committee: int, **values: str) -> int:
    """A new session of the committee on 30.09.2026, planned by the Sitzungsdienst."""
    created = client.post(
        f"{API}/meetings",
        json={"committee_id": committee, "starts_at": "2026-09-30T15:00:00+02:00", **values},
        headers=login(client, "sitzungsdienst"),
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_reading_an_internal_groups_members_is_logged_a_council_bodys_council_members_not(
    client: TestClient, demo: Runtime
) -> None:
    staff = login(client, "kaemmerei")
    user = actor(demo, "kaemmerei").user_id
    ag, fva = committee_id(demo, "ag-digitalisierung"), committee_id(demo, "fva")

    before = reads(demo)
    # The FVA's first ten members are council members; the OB, its eleventh, is staff.
    council = client.get(f"{API}/committees/{fva}/memberships?limit=10", headers=staff)
    assert council.status_code == 200 and OB not in council.text
    assert client.get(f"{API}/committees/{fva}/memberships").status_code == 200
    assert reads(demo) == before
    members = client.get(f"{API}/committees/{ag}/memberships", headers=staff)
    assert members.status_code == 200 and members.json()["items"]
    assert reads(demo) == [*before, ("committee.read", ag, user)]
    assert_problem(client.get(f"{API}/committees/{ag}/memberships"), 401, "nicht-angemeldet")
    assert reads(demo) == [*before, ("committee.read", ag, user)]


def test_reading_who_attended_an_internal_meeting_is_logged(
    client: TestClient, demo: Runtime
) -> None:
    office = login(client, "sitzungsdienst")
    user = actor(demo, "sitzungsdienst").user_id
    meeting = client.post(
        f"{API}/meetings",
        json={
            "committee_id": committee_id(demo, "ag-digitalisierung"),
            "starts_at": "2026-09-30T15:00:00+02:00",
        },
        headers=office,
    ).json()["id"]
    before = reads(demo)

    sheet = client.get(f"{API}/meetings/{meeting}/attendance", headers=office)

    assert sheet.status_code == 200 and sheet.json()["items"]
    assert reads(demo) == [*before, ("meeting.read", meeting, user)]
    assert_problem(client.get(f"{API}/meetings/{meeting}/attendance"), 404, "nicht-gefunden")


def test_memberships_of_a_council_body_showing_staff_are_logged(
    client: TestClient, demo: Runtime
) -> None:
    fva = committee_id(demo, "fva")
    user = actor(demo, "kaemmerei").user_id
    before = reads(demo)

    anonymous = client.get(f"{API}/committees/{fva}/memberships")
    members = client.get(f"{API}/committees/{fva}/memberships", headers=login(client, "kaemmerei"))

    assert anonymous.status_code == 200 and OB not in anonymous.text
    assert members.status_code == 200 and OB in members.text
    assert reads(demo) == [*before, ("committee.read", fva, user)]
    [read] = trail.reads(demo, "committee.read")[-1:]
    assert {m["person_id"] for m in members.json()["items"]} == read.persons


def test_attendance_of_a_public_session_showing_staff_is_logged(
    client: TestClient, demo: Runtime
) -> None:
    session = meeting(client, committee_id(demo, "fva"))
    office = login(client, "sitzungsdienst")
    user = actor(demo, "sitzungsdienst").user_id
    before = reads(demo)

    anonymous = client.get(f"{API}/meetings/{session}/attendance")
    sheet = client.get(f"{API}/meetings/{session}/attendance", headers=office)
    assert client.get(f"{API}/meetings/{session}", headers=office).status_code == 200

    assert anonymous.status_code == 200 and OB not in anonymous.text
    assert sheet.status_code == 200 and OB in sheet.text
    assert reads(demo) == [*before, ("meeting.read", session, user)]


def test_a_public_session_of_council_members_only_is_read_unlogged(
    client: TestClient, demo: Runtime
) -> None:
    session = meeting(client, make.committee(demo, members=3))
    office = login(client, "sitzungsdienst")
    before = reads(demo)

    assert client.get(f"{API}/meetings/{session}/attendance", headers=office).json()["items"]
    assert signed_in(demo, "sitzungsdienst").get(f"/sitzungen/{session}").status_code == 200
    assert reads(demo) == before


def test_a_public_session_page_offering_a_non_public_paper_is_logged(
    client: TestClient, demo: Runtime
) -> None:
    session = meeting(client, make.committee(demo, members=3))
    make.paper(demo, public=False, title=SECRET)
    user = actor(demo, "sitzungsdienst").user_id
    before = reads(demo)

    planned = signed_in(demo, "sitzungsdienst").get(f"/sitzungen/{session}")
    # Who does not plan the agenda is offered no paper: nothing non-public to log.
    read = signed_in(demo, "kaemmerei").get(f"/sitzungen/{session}")

    assert planned.status_code == 200 and SECRET in planned.text
    assert read.status_code == 200 and SECRET not in read.text
    assert reads(demo) == [*before, ("meeting.read", session, user)]


def test_meeting_lists_showing_an_internal_groups_session_are_logged(
    client: TestClient, demo: Runtime
) -> None:
    meeting(client, committee_id(demo, "ag-digitalisierung"), location=ROOM)
    fva = committee_id(demo, "fva")
    office = login(client, "sitzungsdienst")
    user = actor(demo, "sitzungsdienst").user_id
    page = signed_in(demo, "sitzungsdienst")
    before = reads(demo)

    listed = client.get(f"{API}/meetings", headers=office)
    shown = page.get("/sitzungen")
    assert ROOM in listed.text and ROOM in shown.text
    assert reads(demo) == [*before, *[("meeting.read", None, user)] * 2]

    # The public's list, and staff's list of a council body's sessions: public, unlogged.
    assert ROOM not in client.get(f"{API}/meetings").text
    council = client.get(f"{API}/meetings", params={"committee_id": fva}, headers=office)
    assert council.status_code == 200 and council.json()["items"]
    assert reads(demo) == [*before, *[("meeting.read", None, user)] * 2]
