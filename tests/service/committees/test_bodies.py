"""Committees, memberships, meetings, agenda and attendance of two bodies in one database.

For the demo city's staff and public every id of the Nachbarstadt's committee or meeting is
a 404, lists name none of them, a write that names one of its rows is refused as a wrong id
is, and the Nachbarstadt's Sitzungsdienst sees its own at its address. Both backends.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.committees import reading
from service.committees import service as committees
from service.committees.meetings import insert_meeting
from service.errors import NotFound
from service.invitations.service import send_invitation
from service.runtime import Runtime
from tests.service.browser import signed_in
from tests.service.council_support import API, actor, assert_problem, committee_id, login
from tests.service.neighbour import (
    COMMITTEE_NAME,
    LOCATION,
    PREFIX,
    REFERENCE,
    Neighbour,
    leaked,
    neighbour,
)

WRONG = 999_999


@pytest.fixture
def b(demo: Runtime) -> Neighbour:
    return neighbour(demo)


def _meeting(client: TestClient, auth: dict[str, str], committee: int, demo: Runtime) -> int:
    starts = (demo.now() + timedelta(days=30)).isoformat()
    created = client.post(
        f"{API}/meetings", json={"committee_id": committee, "starts_at": starts}, headers=auth
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_the_api_answers_404_for_b_s_committee_and_meeting(
    client: TestClient, demo: Runtime, b: Neighbour
) -> None:
    staff = login(client, "sitzungsdienst")
    for auth in (staff, {}):
        for path in (
            f"/committees/{b.committee_id}",
            f"/committees/{b.committee_id}/memberships",
            f"/meetings/{b.meeting_id}",
            f"/meetings/{b.meeting_id}/attendance",
        ):
            assert_problem(client.get(API + path, headers=auth), 404, "nicht-gefunden")
        for path, params in (
            ("/committees", {"limit": 200}),
            ("/meetings", {"limit": 200}),
            ("/meetings", {"committee_id": b.committee_id}),
        ):
            listed = client.get(API + path, params=params, headers=auth)
            assert listed.status_code == 200 and not leaked(listed.text), listed.text
        names = [c["name"] for c in client.get(f"{API}/committees", headers=auth).json()["items"]]
        assert "Stadtrat" in names and COMMITTEE_NAME not in names


def test_writes_on_or_naming_b_s_rows_are_refused_as_wrong_ids(
    client: TestClient, demo: Runtime, b: Neighbour
) -> None:
    staff = login(client, "sitzungsdienst")
    for committee in (b.committee_id, WRONG):
        for method, path, body in (
            ("PATCH", f"/committees/{committee}", {"name": "Übernommen"}),
            ("POST", f"/committees/{committee}/memberships", {"person_id": b.person_id}),
        ):
            refused = client.request(method, API + path, json=body, headers=staff)
            assert_problem(refused, 404, "nicht-gefunden")
    for meeting in (b.meeting_id, WRONG):
        for method, path, body in (
            ("PATCH", f"/meetings/{meeting}", {"location": "Übernommen"}),
            ("POST", f"/meetings/{meeting}/agenda-items", {"number": "Ö 9", "title": "X"}),
            ("PUT", f"/meetings/{meeting}/attendance", {"entries": []}),
        ):
            refused = client.request(method, API + path, json=body, headers=staff)
            assert_problem(refused, 404, "nicht-gefunden")
    # A's own rows, naming B's committee, person or paper: refused as a wrong id is.
    fva = committee_id(demo, "fva")
    starts = (demo.now() + timedelta(days=30)).isoformat()
    mine = _meeting(client, staff, fva, demo)
    for method, path, theirs, wrong in (
        (
            "POST",
            "/meetings",
            {"committee_id": b.committee_id, "starts_at": starts},
            {"committee_id": WRONG, "starts_at": starts},
        ),
        (
            "POST",
            f"/committees/{fva}/memberships",
            {"person_id": b.person_id},
            {"person_id": WRONG},
        ),
        (
            "POST",
            f"/meetings/{mine}/agenda-items",
            {"number": "Ö 9", "title": "X", "paper_id": b.paper_id},
            {"number": "Ö 9", "title": "X", "paper_id": WRONG},
        ),
        (
            "PUT",
            f"/meetings/{mine}/attendance",
            {"entries": [{"person_id": b.person_id, "status": "anwesend"}]},
            {"entries": [{"person_id": WRONG, "status": "anwesend"}]},
        ),
    ):
        refused = assert_problem(
            client.request(method, API + path, json=theirs, headers=staff), 422
        )
        expected = assert_problem(
            client.request(method, API + path, json=wrong, headers=staff), 422
        )
        assert refused["type"] == expected["type"]
        assert [f["field"] for f in refused["fields"]] == [f["field"] for f in expected["fields"]]
    with b.runtime.read() as c:
        view = reading.read_meeting(b.runtime, c, b.office, b.meeting_id, with_attendance=True)
    assert view.meeting.location == LOCATION and not view.recorded
    assert [a.paper_reference for a in view.agenda] == [REFERENCE]


def test_a_committee_slug_is_unique_within_its_body_only(
    client: TestClient, demo: Runtime, b: Neighbour
) -> None:
    committee = {"slug": "fva", "name": "Finanzausschuss Nachbarstadt", "short_name": "FA"}
    created = client.post(
        f"{PREFIX}/committees", json={**committee, "kind": "ausschuss"}, headers=b.auth
    )
    assert created.status_code == 201, created.text
    with demo.read() as c:
        own = committees.committee_by_slug(c, demo.body_id, "stadtrat")
        theirs = committees.committee_by_slug(c, b.runtime.body_id, "stadtrat")
        assert own.name == "Stadtrat" and theirs.id == b.committee_id
        assert committees.committee_by_slug(c, b.runtime.body_id, "fva").id == created.json()["id"]
        assert committees.committee_by_slug(c, demo.body_id, "fva").id == committee_id(demo, "fva")


def test_b_s_staff_see_b_s_committees_and_meetings_at_b_s_address(
    client: TestClient, demo: Runtime, b: Neighbour
) -> None:
    names = [c["name"] for c in client.get(f"{PREFIX}/committees", headers=b.auth).json()["items"]]
    assert names == [COMMITTEE_NAME]
    meeting = client.get(f"{PREFIX}/meetings/{b.meeting_id}", headers=b.auth)
    assert meeting.status_code == 200 and meeting.json()["location"] == LOCATION
    listed = client.get(f"{PREFIX}/meetings", headers=b.auth).json()["items"]
    assert [m["id"] for m in listed] == [b.meeting_id]
    members = client.get(f"{PREFIX}/committees/{b.committee_id}/memberships").json()["items"]
    assert b.person_id in {m["person_id"] for m in members}
    fva = committee_id(demo, "fva")
    assert_problem(client.get(f"{PREFIX}/committees/{fva}", headers=b.auth), 404)
    assert client.get(f"{API}/meetings/{b.meeting_id}", headers=b.auth).status_code == 401


def test_services_and_invitations_stay_within_the_body(demo: Runtime, b: Neighbour) -> None:
    office = actor(demo, "sitzungsdienst")
    with demo.read() as c:
        for who in (office, None):
            with pytest.raises(NotFound):
                reading.read_meeting(demo, c, who, b.meeting_id)
        with pytest.raises(NotFound):
            committees.get_committee(c, demo.body_id, b.committee_id)
        assert COMMITTEE_NAME not in {x.name for x in committees.committee_choices(demo, c)}
    with pytest.raises(NotFound), demo.write() as c:
        send_invitation(demo, c, office, b.meeting_id)
    with b.runtime.write() as c:
        sent = send_invitation(b.runtime, c, b.office, b.meeting_id)
    assert sent.invited == 0  # its members have no e-mail address; none of A's is invited


def test_a_s_meeting_pages_show_nothing_of_b(demo: Runtime, b: Neighbour) -> None:
    with demo.write() as c:
        mine = insert_meeting(
            demo,
            c,
            SYSTEM,
            committee_id=committee_id(demo, "fva"),
            starts_at=demo.now() + timedelta(days=10),
        )
    with signed_in(demo, "sitzungsdienst") as web:
        assert web.get(f"/sitzungen/{b.meeting_id}").status_code == 404
        for page in ("/sitzungen", f"/sitzungen/{mine}"):
            shown = web.get(page)
            assert shown.status_code == 200 and not leaked(shown.text), page
