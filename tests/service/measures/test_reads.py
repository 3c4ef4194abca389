"""Every read of a non-public measure leaves one access event, whichever door it came through.

One ``measure.read`` per request that shows a non-public measure (its detail, history,
statements, milestones or budget lines: the measure's id; a list, the CSV export or the
Übersicht holding one: no id, the responsible persons named), committed before the answer.
Public content and anonymous callers leave none. When the event cannot be written, the
caller gets 503 and sees nothing.

Demo at 01.09.2026: M-06 (Marco Schindler's) is the one non-public measure.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from service.actor import SYSTEM
from service.audit import service as audit_service
from service.auth.service import actor_for
from service.measures import service as measures
from service.runtime import Runtime
from tests.service.browser import signed_in
from tests.service.measures.conftest import API, ids, reads, token


def _user(runtime: Runtime, username: str) -> int:
    with runtime.read() as connection:
        user_id = actor_for(connection, username).user_id
    assert user_id is not None
    return user_id


def _responsible(runtime: Runtime, code: str) -> int:
    with runtime.read() as connection:
        return int(measures.get_measure(connection, ids(runtime)[code]).responsible_person_id)


def test_each_api_read_of_a_non_public_measure_logs_one_access_event(
    demo: Runtime, api: TestClient
) -> None:
    m06 = ids(demo)["M-06"]
    lead = token(api, "ag.leitung")
    reader = _user(demo, "ag.leitung")
    for path in (
        f"/measures/{m06}",
        f"/measures/{m06}/history",
        f"/measures/{m06}/statements",
        f"/measures/{m06}/milestones",
        f"/measures/{m06}/budget-lines",
    ):
        before = reads(demo)
        response = api.get(f"{API}{path}", headers=lead)
        assert response.status_code == 200, (path, response.text)
        assert reads(demo)[len(before) :] == [("measure.read", m06, reader)], path


def test_statements_of_a_non_public_measure_are_logged(demo: Runtime, api: TestClient) -> None:
    m06 = ids(demo)["M-06"]
    before = reads(demo)
    statements = api.get(f"{API}/measures/{m06}/statements", headers=token(api, "ag.leitung"))
    assert statements.status_code == 200
    assert [s["author"] for s in statements.json()] == ["Stefan Brandt"]
    assert reads(demo)[len(before) :] == [("measure.read", m06, _user(demo, "ag.leitung"))]


def test_the_measure_csv_export_logs_a_non_public_measure(demo: Runtime, api: TestClient) -> None:
    before = reads(demo)
    export = api.get(f"{API}/measures/export.csv", headers=token(api, "ag.leitung"))
    assert export.status_code == 200
    assert "M-06" in export.text
    assert reads(demo)[len(before) :] == [("measure.read", None, _user(demo, "ag.leitung"))]
    # filtered to public measures only, nothing non-public is in the file: nothing to log
    public = api.get(f"{API}/measures/export.csv?state=entwurf", headers=token(api, "ag.leitung"))
    assert "M-09" in public.text and "M-06" not in public.text
    assert len(reads(demo)) == len(before) + 1


def test_lists_log_a_read_only_when_they_show_a_non_public_measure(
    demo: Runtime, api: TestClient
) -> None:
    lead = token(api, "ag.leitung")
    before = reads(demo)
    assert api.get(f"{API}/measures?limit=3", headers=lead).status_code == 200  # M-01..M-03
    assert api.get(f"{API}/measures?state=entwurf", headers=lead).status_code == 200
    assert reads(demo) == before
    listed = api.get(f"{API}/measures?state=umsetzung", headers=lead)
    assert "M-06" in [m["code"] for m in listed.json()["items"]]
    lines = api.get(f"{API}/budget-lines?fiscal_year=2025", headers=lead)
    assert "M-06" in [line["measure_code"] for line in lines.json()["items"]]
    assert reads(demo)[len(before) :] == [("measure.read", None, _user(demo, "ag.leitung"))] * 2


def test_the_public_and_public_measures_leave_no_access_event(
    demo: Runtime, api: TestClient
) -> None:
    m01, m06 = ids(demo)["M-01"], ids(demo)["M-06"]
    before = reads(demo)
    assert api.get(f"{API}/measures/{m06}").status_code == 404
    assert api.get(f"{API}/measures/{m01}").status_code == 200
    assert api.get(f"{API}/measures/{m01}", headers=token(api, "ag.leitung")).status_code == 200
    assert api.get(f"{API}/measures/export.csv").status_code == 200
    assert reads(demo) == before


def test_the_web_measure_page_logs_reading_a_non_public_measure(demo: Runtime) -> None:
    m01, m06 = ids(demo)["M-01"], ids(demo)["M-06"]
    client = signed_in(demo, "kaemmerei")
    before = reads(demo)
    assert client.get(f"/massnahmen/{m01}").status_code == 200
    assert reads(demo) == before
    page = client.get(f"/massnahmen/{m06}")
    assert page.status_code == 200 and "IT-Sicherheitskonzept" in page.text
    assert reads(demo)[len(before) :] == [("measure.read", m06, _user(demo, "kaemmerei"))]


def test_web_pages_that_show_a_non_public_measure_log_one_read_each(demo: Runtime) -> None:
    client = signed_in(demo, "kaemmerei")
    treasurer = _user(demo, "kaemmerei")
    before = reads(demo)
    assert "M-06" in client.get("/").text  # on the Übersicht's board of Umsetzung
    assert "M-06" in client.get("/haushalt?jahr=2025").text
    line = re.search(
        r'href="/haushalt/ansaetze/(\d+)" aria-label="Ansatz M-06',
        client.get("/haushalt?jahr=2025").text,
    )
    assert line
    assert client.get(f"/haushalt/ansaetze/{line.group(1)}").status_code == 200
    assert reads(demo)[len(before) :] == [
        ("measure.read", None, treasurer),
        ("measure.read", None, treasurer),
        ("measure.read", None, treasurer),
        ("measure.read", ids(demo)["M-06"], treasurer),
    ]
    # Pages that show no non-public measure leave nothing.
    behrendt = _responsible(demo, "M-01")
    assert "M-06" not in client.get(f"/?verantwortlich={behrendt}").text
    # The Kämmerei plans lines for any measure, so its page lists every one to choose from;
    # the DSB's page of 2024 shows M-03's line only.
    assert "M-06" not in signed_in(demo, "datenschutz").get("/haushalt?jahr=2024").text
    assert len(reads(demo)) == len(before) + 4


def test_the_command_line_reads_as_the_system_and_is_logged(demo: Runtime) -> None:
    m06 = ids(demo)["M-06"]
    before = reads(demo)
    view = measures.read_measure(demo, SYSTEM, m06)
    assert view.measure.code == "M-06" and view.responsible == "Marco Schindler"
    assert reads(demo)[len(before) :] == [("measure.read", m06, None)]


@pytest.fixture
def unloggable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit trail cannot be written (the database refuses the event)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT INTO audit_events", {}, Exception("disk full"))

    monkeypatch.setattr(audit_service, "record_access", refuse)


def test_a_read_that_cannot_be_logged_shows_nothing(
    demo: Runtime, api: TestClient, unloggable: None
) -> None:
    m01, m06 = ids(demo)["M-01"], ids(demo)["M-06"]
    lead = token(api, "ag.leitung")
    for path in (f"/measures/{m06}", f"/measures/{m06}/statements", "/measures/export.csv"):
        refused = api.get(f"{API}{path}", headers=lead)
        assert refused.status_code == 503, path
        assert refused.headers["retry-after"] == "5"
        assert "IT-Sicherheitskonzept" not in refused.text
    assert api.get(f"{API}/measures/{m01}", headers=lead).status_code == 200
    page = signed_in(demo, "ag.leitung").get(f"/massnahmen/{m06}")
    assert page.status_code == 503
    assert "IT-Sicherheitskonzept" not in page.text
    assert "Zugriff" in page.text
