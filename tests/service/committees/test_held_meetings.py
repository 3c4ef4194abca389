"""A meeting that already took place cannot be called off.

Found by a review: the demo's Stadtrat session of 28.02.2024, with its vote recorded, could
be cancelled; it was marked cancelled and every member got a letter „Sitzung abgesagt“ with
a calendar entry (METHOD:CANCEL) removing a day that is history. Moving its day was refused,
cancelling it was not.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.committees import attendance, meetings
from service.outbox.models import OutboxMessage
from service.runtime import Runtime
from tests.conftest import FakeClock
from tests.service.browser import post_form, signed_in
from tests.service.council_support import (
    API,
    actor,
    assert_problem,
    audit_count,
    committee_id,
    login,
)
from workflow.calendar import local_day_at, to_local

HELD = (
    "Die Sitzung hat bereits stattgefunden (Abstimmungen erfasst); "
    "eine Absage ist nicht mehr möglich."
)

outbox = OutboxMessage.__table__  # type: ignore[attr-defined]


def _held_council_session(client: TestClient, demo: Runtime) -> int:
    """The demo's Stadtrat session of 28.02.2024, in which a vote is recorded."""
    listed = client.get(f"{API}/meetings", params={"limit": 200}).json()["items"]
    stadtrat = committee_id(demo, "stadtrat")
    [meeting] = [
        m["id"]
        for m in listed
        if m["committee_id"] == stadtrat
        and to_local(datetime.fromisoformat(m["starts_at"])).date() == date(2024, 2, 28)
    ]
    return int(meeting)


def _letters(runtime: Runtime) -> int:
    with runtime.read() as c:
        return int(c.execute(select(func.count()).select_from(outbox)).scalar_one())


def _cancelled_at(client: TestClient, meeting: int, headers: dict[str, str]) -> object:
    return client.get(f"{API}/meetings/{meeting}", headers=headers).json()["cancelled_at"]


def test_a_meeting_that_took_place_cannot_be_cancelled(client: TestClient, demo: Runtime) -> None:
    meeting = _held_council_session(client, demo)
    office = login(client, "sitzungsdienst")
    audited, letters = audit_count(demo), _letters(demo)
    refused = client.post(
        f"{API}/meetings/{meeting}/cancel", json={"reason": "Versehen"}, headers=office
    )
    body = assert_problem(refused, 409, "sitzung-stattgefunden")
    assert body["detail"] == HELD
    assert _cancelled_at(client, meeting, office) is None
    assert (audit_count(demo), _letters(demo)) == (audited, letters)


def test_a_meeting_that_took_place_cannot_be_cancelled_on_its_page(
    client: TestClient, demo: Runtime
) -> None:
    meeting = _held_council_session(client, demo)
    web = signed_in(demo, "sitzungsdienst")
    page = f"/sitzungen/{meeting}"
    shown = web.get(page).text
    assert "Sitzung absagen" not in shown and HELD in shown
    letters = _letters(demo)
    # A tab opened before: the form posted all the same.
    refused = post_form(web, page, f"{page}/absage", {"grund": "Versehen"})
    assert refused.status_code == 409
    assert HELD in refused.text
    assert "Die Sitzung ist abgesagt" not in web.get(page).text
    assert _letters(demo) == letters


def test_a_meeting_cannot_be_cancelled_once_it_has_begun_or_its_attendance_is_recorded(
    client: TestClient, demo: Runtime, clock: FakeClock
) -> None:
    office = actor(demo, "sitzungsdienst")
    starts_at = local_day_at(to_local(demo.now()).date() + timedelta(days=1), time(17))
    with demo.write() as c:
        begun, attended = (
            meetings.new_meeting(
                demo, c, office, committee_id=committee_id(demo, slug), starts_at=starts_at
            )
            for slug in ("fva", "stadtrat")
        )
    clock.now = starts_at + timedelta(minutes=5)
    headers = login(client, "sitzungsdienst")
    late = client.post(f"{API}/meetings/{begun}/cancel", json={}, headers=headers)
    assert assert_problem(late, 409, "sitzung-stattgefunden")["detail"] == (
        f"Die Sitzung hat am {to_local(starts_at):%d.%m.%Y} um 17:00 Uhr begonnen; "
        "eine Absage ist nicht mehr möglich."
    )
    clock.now = starts_at - timedelta(hours=1)
    with demo.write() as c:
        attendance.record_all_present(demo, c, office, attended)
    recorded = client.post(f"{API}/meetings/{attended}/cancel", json={}, headers=headers)
    assert "(Anwesenheit erfasst)" in assert_problem(recorded, 409)["detail"]
    still_ahead = client.post(f"{API}/meetings/{begun}/cancel", json={}, headers=headers)
    assert still_ahead.status_code == 200, still_ahead.text
