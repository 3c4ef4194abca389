"""A step of the Beratungsfolge planned in a session is planned for that session's day.

Defect of a review: a step moved to another meeting kept the day of the old one.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests import factories as make
from tests.service.council_support import API, assert_problem, committee_id, login
from tests.service.papers.support import paper_as_office, plan_step


def _meeting(client: TestClient, runtime: Runtime, starts_at: str) -> int:
    created = client.post(
        f"{API}/meetings",
        json={"committee_id": committee_id(runtime, "fva"), "starts_at": starts_at},
        headers=login(client, "sitzungsdienst"),
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_a_step_moved_to_another_meeting_is_planned_on_that_meeting_s_day(
    client: TestClient, demo: Runtime
) -> None:
    office = login(client, "sitzungsdienst")
    paper = client.post(
        f"{API}/papers", json={"reference": make.unique("VII/"), "title": "Folge"}, headers=office
    ).json()["id"]
    first = _meeting(client, demo, "2026-09-16T17:00:00+02:00")
    planned = plan_step(client, paper, committee_id(demo, "fva"), "vorberatung", meeting_id=first)
    assert planned.json()["planned_on"] == "2026-09-16"

    # The session is called off; the paper goes on the agenda of the next one.
    cancelled = client.post(
        f"{API}/meetings/{first}/cancel", json={"reason": "Krankheit"}, headers=office
    )
    assert cancelled.status_code == 200, cancelled.text
    second = _meeting(client, demo, "2026-09-30T17:00:00+02:00")
    added = client.post(
        f"{API}/meetings/{second}/agenda-items",
        json={"number": "Ö 1", "title": "Folge", "paper_id": paper},
        headers=office,
    )
    assert added.status_code == 201, added.text
    [step] = paper_as_office(client, paper)["consultations"]
    assert (step["meeting_id"], step["planned_on"]) == (second, "2026-09-30")

    # The session itself moves to another day: its steps go with it.
    moved = client.patch(
        f"{API}/meetings/{second}", json={"starts_at": "2026-10-07T17:00:00+02:00"}, headers=office
    )
    assert moved.status_code == 200, moved.text
    [step] = paper_as_office(client, paper)["consultations"]
    assert step["planned_on"] == "2026-10-07"

    # A step planned in a session is planned for its day, not for another.
    other = plan_step(
        client,
        paper,
        committee_id(demo, "fva"),
        "vorberatung",
        meeting_id=second,
        planned_on="2026-10-08",
    )
    assert "07.10.2026" in assert_problem(other, 422)["detail"]
