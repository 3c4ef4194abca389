"""Meilensteine through the API, on the demo city (01.09.2026; M-03 is abgeschlossen)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.milestones.service import insert_milestone
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, measure_ids, snapshot


def test_a_closed_measure_takes_no_new_milestone_and_no_change_to_one(
    client: TestClient, demo: Runtime
) -> None:
    ids = measure_ids(demo)
    m03, m01 = ids["M-03"], ids["M-01"]
    with demo.write() as c:
        reached = insert_milestone(demo, c, SYSTEM, measure_id=m03, title="Abnahme")
        open_one = insert_milestone(demo, c, SYSTEM, measure_id=m01, title="Pilot")
    lead = login(client, "ag.leitung")
    before = snapshot(demo)

    url = f"{API}/measures/{m03}/milestones"
    added = client.post(url, json={"title": "Nachzügler"}, headers=lead)
    problem = assert_problem(added, 409, "endzustand")
    assert problem["detail"] == (
        "Ein neuer Meilenstein ist nicht mehr möglich: die Maßnahme ist im Endzustand "
        "„Abgeschlossen“."
    )
    for change in ({"done_on": "2026-08-30"}, {"title": "Abnahme (verschoben)"}):
        changed = client.patch(f"{API}/milestones/{reached}", json=change, headers=lead)
        assert "Endzustand „Abgeschlossen“" in assert_problem(changed, 409, "endzustand")["detail"]
    assert snapshot(demo) == before
    listed = client.get(f"{API}/measures/{m03}/milestones", headers=lead).json()
    assert {m["title"]: m["done_on"] for m in listed}["Abnahme"] is None
    assert "Nachzügler" not in {m["title"] for m in listed}

    # An open measure's milestones are kept as before.
    reached_now = {"done_on": "2026-08-30"}
    done = client.patch(f"{API}/milestones/{open_one}", json=reached_now, headers=lead)
    assert done.status_code == 200, done.text
    new = client.post(f"{API}/measures/{m01}/milestones", json={"title": "Rollout"}, headers=lead)
    assert new.status_code == 201, new.text


def test_a_null_title_is_refused_not_dropped(client: TestClient, demo: Runtime) -> None:
    m01 = measure_ids(demo)["M-01"]
    with demo.write() as c:
        milestone = insert_milestone(demo, c, SYSTEM, measure_id=m01, title="Pilot")
    lead = login(client, "ag.leitung")
    before = snapshot(demo)
    change = {"title": None, "done_on": "2026-08-30"}
    refused = client.patch(f"{API}/milestones/{milestone}", json=change, headers=lead)
    assert "darf nicht null sein" in assert_problem(refused, 422)["detail"]
    assert snapshot(demo) == before
