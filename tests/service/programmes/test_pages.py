"""Arbeitspapiere in the web: list, page, create, and a review that the history shows
(what changed, who, when); the page links the report of this programme and of all.
Demo city at 01.09.2026, both backends."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.api_calls import API, login
from tests.service.browser import post_form, signed_in

TITLE = "Arbeitspapier zur weiteren Digitalisierung der Verwaltung"


def version_on(page: str) -> str:
    found = re.search(r'name="version" value="([0-9]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_review_mail_link_opens_the_programme_with_its_reports(demo: Runtime) -> None:
    client = signed_in(demo, "kaemmerei")

    listed = client.get("/arbeitspapiere")
    page = client.get("/arbeitspapiere/1")

    assert listed.status_code == 200 and TITLE in listed.text
    assert 'href="/arbeitspapiere/1"' in listed.text and "alle 6 Monate" in listed.text
    assert page.status_code == 200, page.text
    assert "Thomas Behrendt" in page.text
    assert 'href="/sachstand?zeitraum=2026-H1&amp;arbeitspapier=1"' in page.text
    assert "Überprüfen und bearbeiten" not in page.text  # the Kämmerei reads only
    assert client.get("/arbeitspapiere/999").status_code == 404
    one = client.get("/sachstand?zeitraum=2026-H1&arbeitspapier=1")
    assert one.status_code == 200 and "M-01" in one.text


def test_a_review_is_saved_with_what_changed_who_and_when(
    demo: Runtime, client: TestClient
) -> None:
    web = signed_in(demo, "ag.leitung")
    page = web.get("/arbeitspapiere/1").text

    saved = post_form(
        web,
        "/arbeitspapiere/1",
        "/arbeitspapiere/1",
        {
            "version": version_on(page),
            "title": TITLE,
            "description": "Kernverwaltung; überprüft im September 2026.",
            "review_cycle": "P3M",
            "comment": "Ziele überwiegend erreicht, Zyklus verkürzt.",
        },
    )

    assert saved.status_code == 303, saved.text
    shown = web.get(saved.headers["location"]).text
    assert "Die Überprüfung wurde gespeichert" in shown
    assert "Ziele überwiegend erreicht, Zyklus verkürzt." in shown
    # Labels and names, not codes (issue 15): not „P6M“ → „P3M“, not the login ag.leitung.
    assert "Überprüfungszyklus: „alle 6 Monate“ → „alle 3 Monate“" in shown
    assert "01.09.2026" in shown and "Thomas Behrendt (AG-Leitung)" in shown
    assert "alle 3 Monate" in shown
    # The same review through the API leaves the same kind of trace.
    read = client.get(f"{API}/programmes/1")
    assert read.json()["review_cycle"] == "P3M"
    again = client.patch(
        f"{API}/programmes/1",
        json={"version": read.json()["version"], "comment": "Keine Änderungen nötig."},
        headers=login(client, "ag.leitung"),
    )
    assert again.status_code == 200, again.text
    assert "Keine Änderungen nötig." in web.get("/arbeitspapiere/1").text

    stale = post_form(
        web,
        "/arbeitspapiere/1",
        "/arbeitspapiere/1",
        {"version": version_on(page), "title": "Alt", "review_cycle": "P6M"},
    )
    assert stale.status_code == 409 and "Inzwischen hat jemand anderes" in stale.text


def test_the_ag_lead_creates_a_programme_and_a_wrong_cycle_is_refused(demo: Runtime) -> None:
    web = signed_in(demo, "ag.leitung")

    bad = post_form(
        web,
        "/arbeitspapiere/neu",
        "/arbeitspapiere/neu",
        {"title": "Eigenbetriebe, AKA und Stadtwerke", "review_cycle": "halbjährlich"},
    )
    created = post_form(
        web,
        "/arbeitspapiere/neu",
        "/arbeitspapiere/neu",
        {"title": "Eigenbetriebe, AKA und Stadtwerke", "review_cycle": "P1Y"},
    )

    assert bad.status_code == 422 and "nicht angelegt" in bad.text
    assert created.status_code == 303, created.text
    page = web.get(created.headers["location"]).text
    assert "Das Arbeitspapier wurde angelegt." in page and "alle 1 Jahre" not in page
    assert "jährlich" in page
    member = signed_in(demo, "ag.mitglied")
    assert member.get("/arbeitspapiere/neu").status_code == 403
