"""The Sitzungsdienst calls a session off on its page; calendars then show it cancelled."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.api_calls import API
from tests.service.browser import post_form, signed_in
from tests.service.calendar.conftest import (
    committee_id,
    events,
    meeting_uid,
    parsed,
    plan_session,
)


def test_the_sitzungsdienst_cancels_a_session_on_its_page(
    client: TestClient, demo: Runtime
) -> None:
    meeting = plan_session(client, "fva", demo, demo.now() + timedelta(days=7))
    office = signed_in(demo, "sitzungsdienst")
    page = office.get(f"/sitzungen/{meeting}")
    feed = f"/api/v1/calendar/committees/{committee_id(demo, 'fva')}.ics"
    assert f'href="{feed}"' in page.text
    assert "Sitzung absagen" in page.text
    done = post_form(
        office, f"/sitzungen/{meeting}", f"/sitzungen/{meeting}/absage", {"grund": "Erkrankung"}
    )
    assert done.status_code == 303
    shown = office.get(done.headers["location"])
    assert "Die Sitzung ist abgesagt" in shown.text and "Erkrankung" in shown.text
    assert "Sitzung absagen" not in shown.text
    event = events(
        parsed(client.get(f"{API}/calendar/committees/{committee_id(demo, 'fva')}.ics"))
    )[meeting_uid(meeting)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Abgesagt: Sitzung Finanz- und Verwaltungsausschuss"
    assert "Erkrankung" in str(event["DESCRIPTION"])
    listed = office.get("/sitzungen").text
    assert f'href="/sitzungen/{meeting}"' in listed and "(abgesagt)" in listed
    summary = client.get(f"{API}/meetings", params={"limit": 200}).json()["items"]
    assert next(m for m in summary if m["id"] == meeting)["cancelled_at"] is not None


def test_staff_without_the_sitzungsdienst_role_cannot_cancel(
    client: TestClient, demo: Runtime
) -> None:
    meeting = plan_session(client, "fva", demo, demo.now() + timedelta(days=7))
    lead = signed_in(demo, "ag.leitung")
    assert "Sitzung absagen" not in lead.get(f"/sitzungen/{meeting}").text
    refused = post_form(lead, f"/sitzungen/{meeting}", f"/sitzungen/{meeting}/absage", {})
    assert refused.status_code == 403
    assert "Die Sitzung ist abgesagt" not in lead.get(f"/sitzungen/{meeting}").text
