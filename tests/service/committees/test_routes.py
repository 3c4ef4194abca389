"""Committees, memberships and meetings through HTTP on the demo city."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.council_support import API, assert_problem, committee_id, login


def test_a_membership_ends_once_and_then_no_longer_counts_for_the_quorum(
    client: TestClient, demo: Runtime
) -> None:
    session = login(client, "sitzungsdienst")
    created = client.post(
        f"{API}/committees",
        json={
            "slug": "bauausschuss",
            "name": "Bauausschuss",
            "short_name": "BA",
            "kind": "ausschuss",
        },
        headers=session,
    )
    assert created.status_code == 201, created.text
    committee = created.json()
    assert committee["public"] and committee["vote_rules"]["quorum_denominator"] == 2
    person = client.post(
        f"{API}/persons", json={"given_name": "Ina", "family_name": "Rat"}, headers=session
    ).json()
    joined = client.post(
        f"{API}/committees/{committee['id']}/memberships",
        json={"person_id": person["id"], "valid_from": "2024-07-01"},
        headers=session,
    )
    assert joined.status_code == 201, joined.text
    membership = joined.json()
    path = f"{API}/committees/{committee['id']}/memberships"
    early = client.post(
        f"{path}/{membership['id']}/end", json={"valid_until": "2024-06-30"}, headers=session
    )
    assert assert_problem(early, 422, "angaben-fehlen")["fields"][0]["field"] == "valid_until"
    ended = client.post(
        f"{path}/{membership['id']}/end", json={"valid_until": "2026-08-31"}, headers=session
    )
    assert ended.json()["valid_until"] == "2026-08-31"
    again = client.post(
        f"{path}/{membership['id']}/end", json={"valid_until": "2026-09-30"}, headers=session
    )
    assert_problem(again, 409, "mitgliedschaft-beendet")
    on = client.get(path, params={"active_on": "2025-01-01"}).json()["items"]
    after = client.get(path, params={"active_on": "2026-09-01"}).json()["items"]
    assert [m["person_id"] for m in on] == [person["id"]] and after == []
    duplicate = client.post(
        f"{API}/committees",
        json={"slug": "bauausschuss", "name": "Doppelt", "short_name": "D", "kind": "ausschuss"},
        headers=session,
    )
    assert_problem(duplicate, 409, "kurzname-vergeben")
    bad_rules = client.patch(
        f"{API}/committees/{committee['id']}",
        json={"vote_rules": {"quorum_numerator": 3, "quorum_denominator": 2}},
        headers=session,
    )
    assert_problem(bad_rules, 422)
    nulled = client.patch(
        f"{API}/committees/{committee['id']}", json={"name": None}, headers=session
    )
    assert_problem(nulled, 422, "eingabe-ungueltig")


def test_attendance_knows_present_excused_and_absent_and_the_public_sees_no_staff(
    client: TestClient, demo: Runtime
) -> None:
    session = login(client, "sitzungsdienst")
    meeting = client.post(
        f"{API}/meetings",
        json={"committee_id": committee_id(demo, "fva"), "starts_at": "2026-09-16T17:00:00+02:00"},
        headers=session,
    ).json()
    path = f"{API}/meetings/{meeting['id']}/attendance"
    unknown = client.get(path, headers=session).json()
    assert not unknown["recorded"] and {e["status"] for e in unknown["items"]} == {None}
    members = [e["person_id"] for e in unknown["items"]]
    assert len(members) == 11
    staff_member = next(e for e in unknown["items"] if e["name"] == "Andreas Michelmann")
    sheet = [{"person_id": p, "status": "anwesend"} for p in members[:8]]
    sheet.append({"person_id": members[8], "status": "entschuldigt"})
    sheet.append({"person_id": staff_member["person_id"], "status": "anwesend"})
    recorded = client.put(path, json={"entries": sheet}, headers=session)
    assert recorded.status_code == 200, recorded.text
    statuses = {e["person_id"]: e["status"] for e in recorded.json()["items"]}
    assert statuses[members[0]] == "anwesend"
    assert statuses[members[8]] == "entschuldigt"
    assert statuses[members[9]] == "abwesend"  # not on the sheet
    public = client.get(path)
    assert public.status_code == 200
    assert "Michelmann" not in public.text  # the Oberbürgermeister is staff
    assert len(public.json()["items"]) == 10
    twice = client.put(path, json={"entries": [sheet[0], sheet[0]]}, headers=session)
    assert_problem(twice, 422, "angaben-fehlen")
    assert client.get(path, headers=session).json()["items"] == recorded.json()["items"]
