"""Members and attendance of an internal working group are personal data of a non-public
body: only staff read them, and each read leaves one access event.

``committees.service.read_memberships`` logs ``committee.read``; ``committees.reading.
read_meeting`` logs ``meeting.read`` (its attendance too). A council body's members and
public meetings are public: their reads leave nothing.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.api.council_support import API, actor, assert_problem, committee_id, login
from tests.service.papers.support import reads


def test_reading_an_internal_groups_members_is_logged_a_council_bodys_is_not(
    client: TestClient, demo: Runtime
) -> None:
    staff = login(client, "kaemmerei")
    user = actor(demo, "kaemmerei").user_id
    ag, fva = committee_id(demo, "ag-digitalisierung"), committee_id(demo, "fva")

    before = reads(demo)
    assert client.get(f"{API}/committees/{fva}/memberships", headers=staff).status_code == 200
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
