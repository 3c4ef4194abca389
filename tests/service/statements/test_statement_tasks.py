"""Statements as tasks with consequences (issue 14, point 5), through the API on the demo city
at 01.09.2026 (both backends): the request on entering AG review with its reminders, the
Abwägung after "ablehnend", the Auflagen of "mit Auflagen" that keep a measure open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.audit.models import AuditEvent
from service.outbox.models import OutboxMessage
from service.runtime import Runtime
from service.scheduler.deadline_sweep import sweep
from tests.service.api_calls import API, assert_problem, fire, login, measure_ids
from tests.service.browser import post_form, signed_in
from workflow.calendar import to_local

outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
audit_events = AuditEvent.__table__  # type: ignore[attr-defined]


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def api(served_app: FastAPI) -> Any:
    """The API on the session's app, serving the test's demo city (a client of its own)."""
    with TestClient(served_app, raise_server_exceptions=False) as client:
        yield client


def _measure(api: TestClient, measure_id: int) -> dict[str, Any]:
    return api.get(f"{API}/measures/{measure_id}", headers=login(api, "ag.leitung")).json()


def _submitted_m09(api: TestClient, demo: Runtime) -> int:
    """M-09 (touches personal data) with a complete analysis, submitted to AG review."""
    m09 = measure_ids(demo)["M-09"]
    lead = login(api, "ag.leitung")
    edited = api.patch(
        f"{API}/measures/{m09}",
        json={"version": 1, "fields": {"kosten_einmalig": "8000", "kosten_laufend": "1200"}},
        headers=lead,
    )
    assert edited.status_code == 200, edited.text
    submitted = fire(api, lead, m09, "einreichen", 2)
    assert submitted.status_code == 200, submitted.text
    return m09


def _statement(api: TestClient, measure_id: int, outcome: str, **extra: Any) -> Any:
    return api.post(
        f"{API}/measures/{measure_id}/statements",
        json={"outcome": outcome, "given_on": "2026-09-01", **extra},
        headers=login(api, "datenschutz"),
    )


def test_entering_ag_review_requests_the_dsb_statement_with_a_deadline_and_reminders(
    api: TestClient, demo: Runtime
) -> None:
    m09 = _submitted_m09(api, demo)

    (request,) = api.get(
        f"{API}/measures/{m09}/statement-requests", headers=login(api, "ag.leitung")
    ).json()
    assert request["kind"] == "datenschutz"
    assert request["closed_at"] is None
    # Three weeks from 01.09.2026: Tuesday 22.09.2026.
    due = datetime.fromisoformat(request["due_at"])
    assert to_local(due).date().isoformat() == "2026-09-22"

    # Seven days before, the Datenschutzbeauftragte (the requested role) is reminded.
    sweep(demo, due - timedelta(days=7))
    with demo.read() as c:
        mails = list(c.execute(select(outbox).where(outbox.c.entity_type == "statement_request")))
    assert [m.recipient_email for m in mails] == ["p.vogel@aschersleben.example"]
    assert "Stellungnahme der/des Datenschutzbeauftragten abgeben" in mails[0].subject
    assert f"/massnahmen/{m09}" in mails[0].body_text

    # The statement answers the request: its deadline closes, no escalation follows.
    assert _statement(api, m09, "zustimmend").status_code == 201
    (answered,) = api.get(
        f"{API}/measures/{m09}/statement-requests", headers=login(api, "ag.leitung")
    ).json()
    assert answered["closed_at"] is not None and answered["statement_id"] is not None
    sweep(demo, due + timedelta(days=9))
    with demo.read() as c:
        later = list(c.execute(select(outbox).where(outbox.c.entity_type == "statement_request")))
    assert len(later) == 1


def test_ablehnend_satisfies_the_guard(api: TestClient, demo: Runtime) -> None:
    """Regression (issue 14): a DSB statement "ablehnend" let the measure go to the FVA. It
    blocks now, until the Verwaltungsleitung records a reasoned Abwägung."""
    m09 = _submitted_m09(api, demo)
    assert _statement(api, m09, "ablehnend", text="Rechtsgrundlage fehlt.").status_code == 201
    lead = login(api, "ag.leitung")
    version = _measure(api, m09)["version"]

    blocked = fire(api, lead, m09, "an_fva_uebergeben", version)
    body = assert_problem(blocked, 422)
    assert "Datenschutzbeauftragten vom 01.09.2026 ist ablehnend" in body["detail"]
    assert "Abwägung" in body["detail"]

    statement_id = api.get(f"{API}/measures/{m09}/statements", headers=lead).json()[0]["id"]
    url = f"{API}/measures/{m09}/statements/{statement_id}/weighing"
    reason = "Die Verarbeitung stützt sich auf § 3 DSAG LSA; Bedenken durch AVV ausgeräumt."
    assert_problem(api.post(url, json={"reason": reason}, headers=lead), 403)
    dezernent = login(api, "dezernent")
    assert_problem(api.post(url, json={"reason": "  "}, headers=dezernent), 422)
    weighed = api.post(url, json={"reason": reason}, headers=dezernent)
    assert weighed.status_code == 201, weighed.text
    assert weighed.json()["reason"] == reason
    assert weighed.json()["decided_by"] == "Frank Richter"
    assert_problem(api.post(url, json={"reason": reason}, headers=dezernent), 409)

    shown = api.get(f"{API}/measures/{m09}/statements", headers=lead).json()[0]
    assert shown["weighing"]["reason"] == reason
    with demo.read() as c:
        actions = [r.action for r in c.execute(select(audit_events.c.action))]
    assert "statement_weighing.create" in actions

    passed = fire(api, lead, m09, "an_fva_uebergeben", version)
    assert passed.status_code == 200, passed.text
    assert passed.json()["to_state"] == "fva_beratung"


def test_mit_auflagen_records_nothing(api: TestClient, demo: Runtime) -> None:
    """Regression (issue 14): a statement "mit Auflagen" left nothing to fulfil."""
    m09 = _submitted_m09(api, demo)

    bare = _statement(api, m09, "mit_auflagen", text="Nur mit Löschkonzept.")
    assert "jede Auflage einzeln" in assert_problem(bare, 422)["detail"]
    stray = _statement(api, m09, "zustimmend", conditions=["Löschkonzept vorlegen"])
    assert_problem(stray, 422)

    given = _statement(
        api, m09, "mit_auflagen", conditions=["Löschkonzept vorlegen", " ", "AVV schließen"]
    )
    assert given.status_code == 201, given.text
    assert [(c["text"], c["fulfilled"]) for c in given.json()["conditions"]] == [
        ("Löschkonzept vorlegen", False),
        ("AVV schließen", False),
    ]


def test_an_open_auflage_keeps_the_measure_from_being_finished(
    api: TestClient, demo: Runtime
) -> None:
    # M-08 is at 100 % in implementation; the DSB attaches a condition afterwards.
    m08 = measure_ids(demo)["M-08"]
    given = _statement(api, m08, "mit_auflagen", conditions=["Löschfristen dokumentieren"])
    assert given.status_code == 201, given.text
    (condition,) = given.json()["conditions"]
    lead = login(api, "ag.leitung")
    version = _measure(api, m08)["version"]
    closing = {"data": {"abschlussvermerk": "Terminbuchung läuft."}}

    blocked = fire(api, lead, m08, "abschliessen", version, **closing)
    assert "„Löschfristen dokumentieren“" in assert_problem(blocked, 422)["detail"]

    url = f"{API}/measures/{m08}/conditions/{condition['id']}/fulfilment"
    assert_problem(api.post(url, json={}, headers=login(api, "kaemmerei")), 403)
    done = api.post(url, json={"note": "Im Löschkonzept, Abschnitt 4."}, headers=lead)
    assert done.status_code == 200, done.text
    assert done.json()["fulfilled"] is True
    assert done.json()["fulfilled_by"] == "Thomas Behrendt"
    assert done.json()["note"] == "Im Löschkonzept, Abschnitt 4."
    assert datetime.fromisoformat(done.json()["fulfilled_at"]) == datetime(
        2026, 9, 1, 8, 0, tzinfo=UTC
    )
    assert_problem(api.post(url, json={}, headers=lead), 409)

    finished = fire(api, lead, m08, "abschliessen", version, **closing)
    assert finished.status_code == 200, finished.text
    assert finished.json()["to_state"] == "abgeschlossen"


def test_the_measure_page_shows_requests_abwaegung_and_auflagen(
    api: TestClient, demo: Runtime
) -> None:
    m09 = _submitted_m09(api, demo)
    url = f"/massnahmen/{m09}"
    lead = signed_in(demo, "ag.leitung")
    assert "Angeforderte Stellungnahmen" in lead.get(url).text
    assert "Frist bis 22.09.2026" in lead.get(url).text
    assert _statement(api, m09, "ablehnend").status_code == 201
    page = lead.get(url).text
    assert "Ablehnende Stellungnahme" in page and "gesperrt" in page
    assert "Abwägung speichern" not in page

    dezernent = signed_in(demo, "dezernent")
    statement_id = api.get(
        f"{API}/measures/{m09}/statements", headers=login(api, "ag.leitung")
    ).json()[0]["id"]
    empty = post_form(
        dezernent, url, f"{url}/stellungnahmen/{statement_id}/abwaegung", {"begruendung": " "}
    )
    assert empty.status_code == 422
    assert "Bitte die Abwägung begründen." in empty.text
    saved = post_form(
        dezernent,
        url,
        f"{url}/stellungnahmen/{statement_id}/abwaegung",
        {"begruendung": "Nutzen überwiegt; Auflagen folgen."},
    )
    assert saved.status_code == 303
    page = lead.get(url).text
    assert "Abwägung der Verwaltungsleitung" in page
    assert "Nutzen überwiegt; Auflagen folgen." in page


def test_a_measure_s_detail_shows_its_statements_with_their_auflagen_and_abwaegung(
    api: TestClient, demo: Runtime
) -> None:
    """Was: ``/measures/<id>`` showed each statement with ``"conditions": []`` and
    ``"weighing": null`` while ``/measures/<id>/statements`` gave its Auflagen and the
    Abwägung: the same statement, told two ways to the same caller."""
    m09 = _submitted_m09(api, demo)
    assert _statement(api, m09, "ablehnend", text="Rechtsgrundlage fehlt.").status_code == 201
    lead = login(api, "ag.leitung")
    (refusal,) = api.get(f"{API}/measures/{m09}/statements", headers=lead).json()
    weighed = api.post(
        f"{API}/measures/{m09}/statements/{refusal['id']}/weighing",
        json={"reason": "Bedenken durch AVV ausgeräumt."},
        headers=login(api, "dezernent"),
    )
    assert weighed.status_code == 201, weighed.text
    given = _statement(api, m09, "mit_auflagen", conditions=["Löschkonzept vorlegen"])
    assert given.status_code == 201, given.text

    for username in ("ag.leitung", "datenschutz", "revision"):
        headers = login(api, username)
        listed = api.get(f"{API}/measures/{m09}/statements", headers=headers).json()
        detail = api.get(f"{API}/measures/{m09}", headers=headers).json()
        assert detail["statements"] == listed, username
    shown = {s["outcome"]: s for s in _measure(api, m09)["statements"]}
    assert shown["ablehnend"]["weighing"]["reason"] == "Bedenken durch AVV ausgeräumt."
    assert [c["text"] for c in shown["mit_auflagen"]["conditions"]] == ["Löschkonzept vorlegen"]
