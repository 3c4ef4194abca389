"""Calendar feeds of the demo city (both backends), parsed back with ``icalendar``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar, Event
from sqlalchemy import select

from service.committees.models import Committee
from service.runtime import Runtime
from tests.service.api_calls import API, login

BERLIN = ZoneInfo("Europe/Berlin")
committees = Committee.__table__  # type: ignore[attr-defined]


@pytest.fixture
def on_demo_city() -> bool:
    return True


def committee_id(runtime: Runtime, slug: str) -> int:
    with runtime.read() as c:
        return int(
            c.execute(
                select(committees.c.id).where(
                    committees.c.slug == slug, committees.c.body_id == runtime.body_id
                )
            ).scalar_one()
        )


def plan_session(
    client: TestClient, slug: str, runtime: Runtime, at: datetime, location: str = "Ratssaal"
) -> int:
    office = login(client, "sitzungsdienst")
    created = client.post(
        f"{API}/meetings",
        json={
            "committee_id": committee_id(runtime, slug),
            "starts_at": at.isoformat(),
            "location": location,
        },
        headers=office,
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def parsed(response: httpx.Response) -> Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, Event]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def meeting_uid(meeting_id: int) -> str:
    return f"meeting-{meeting_id}@aschersleben.ratsflow"


def new_feed(client: TestClient, username: str) -> str:
    """A new secret feed address of the user, as the path the test client fetches."""
    made = client.post(f"{API}/calendar/me", headers=login(client, username))
    assert made.status_code == 201, made.text
    url = str(made.json()["url"])
    return "/" + url.split("/", 3)[3]
