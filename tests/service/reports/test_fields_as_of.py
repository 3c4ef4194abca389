"""A past Sachstandsbericht reads a measure's fields as they stood at its Stichtag, whether a
step („Im Haushalt einplanen“, „Fortschritt melden“) or an edit of its Angaben (the form
„Angaben bearbeiten“, the API's PATCH) set them last: a target date moved later leaves the
report of then, its date and its Ampel, as they were. Demo city at 01.09.2026, both
backends."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.measures.service import get_measure
from service.reports.render import render_json
from service.reports.service import read_sachstand
from service.runtime import Runtime
from tests.conftest import FakeClock
from tests.service.api_calls import API, login, measure_ids
from tests.service.browser import post_form, signed_in

BERLIN = ZoneInfo("Europe/Berlin")


def _report(demo: Runtime, period: str, audience: str = "internal") -> bytes:
    return render_json(read_sachstand(demo, SYSTEM, period, audience))  # type: ignore[arg-type]


def _measure(report: bytes, code: str) -> dict[str, Any]:
    found = json.loads(report)
    return next(m for p in found["programmes"] for m in p["measures"] if m["code"] == code)


def _by_api(client: TestClient, demo: Runtime, measure_id: int, target: str) -> httpx.Response:
    with demo.read() as c:
        version = get_measure(c, measure_id).version
    return client.patch(
        f"{API}/measures/{measure_id}",
        json={"version": version, "fields": {"zieldatum": target}},
        headers=login(client, "ag.leitung"),
    )


def _by_form(client: TestClient, demo: Runtime, measure_id: int, target: str) -> httpx.Response:
    with demo.read() as c:
        row = get_measure(c, measure_id)
    page = f"/massnahmen/{measure_id}/bearbeiten"
    form = {
        "version": str(row.version),
        "kennung": row.code,
        "titel": row.title,
        "beschreibung": row.description or "",
        "oeffentlich": "ja" if row.public else "nein",
        "feld_zieldatum": target,
    }
    return post_form(signed_in(demo, "ag.leitung"), page, page, form)


Door = Callable[[TestClient, Runtime, int, str], httpx.Response]
DOORS: dict[str, Door] = {"API": _by_api, "Angaben bearbeiten": _by_form}


@pytest.mark.parametrize("door", DOORS)
def test_a_zieldatum_edited_after_the_period_does_not_change_its_report(
    client: TestClient, demo: Runtime, door: str
) -> None:
    """Defect: a field no step had recorded counted as it is today, so the target date
    given to M-07 in 2026 stood in the rebuilt report of 2025-H2, when M-07 had none."""
    before = _report(demo, "2025-H2")
    assert _measure(before, "M-07")["target_date"] is None

    edited = DOORS[door](client, demo, measure_ids(demo)["M-07"], "2027-06-30")

    assert edited.status_code in (200, 303), edited.text
    assert _report(demo, "2025-H2") == before
    assert _measure(_report(demo, "2026-H2"), "M-07")["target_date"] == "2027-06-30"


def test_the_ampel_of_a_past_report_follows_the_zieldatum_of_then(
    client: TestClient, demo: Runtime, clock: FakeClock
) -> None:
    """Defect: the target date „Im Haushalt einplanen“ recorded (31.12.2026) outweighed
    every later edit, so M-05, brought forward to 31.10.2026 in September, still stood in
    the report of 2026-H2 with the old date and a yellow light instead of a red one; and
    moving the date later in January changed nothing either way."""
    m05 = measure_ids(demo)["M-05"]
    assert _by_api(client, demo, m05, "2026-10-31").status_code == 200

    clock.now = datetime(2027, 1, 20, 9, 0, tzinfo=BERLIN)
    before = _report(demo, "2026-H2")
    reported = _measure(before, "M-05")
    assert reported["target_date"] == "2026-10-31"
    assert reported["light"] == "rot"
    assert (
        "Das Zieldatum 31.10.2026 ist seit 61 Tagen überschritten." in (reported["light_reasons"])
    )

    assert _by_api(client, demo, m05, "2027-03-31").status_code == 200

    assert _report(demo, "2026-H2") == before
    assert _measure(_report(demo, "2027-H1"), "M-05")["target_date"] == "2027-03-31"
