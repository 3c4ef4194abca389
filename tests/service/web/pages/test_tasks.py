"""Meine Aufgaben as the start after signing in (issue 15, point 1), demo city at 01.09.2026:
where a sign-in lands, the navigation's first entry with its count, and the pages that keep
their addresses."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.browser import browser, csrf_of, sign_in, signed_in


def test_signing_in_lands_on_meine_aufgaben_unless_a_page_was_asked_for(demo: Runtime) -> None:
    with browser(demo) as web:
        landed = sign_in(web, "kaemmerei")
        assert landed.status_code == 303 and landed.headers["location"] == "/aufgaben"
        page = web.get("/aufgaben")
        assert page.status_code == 200
        assert "<h1>Meine Aufgaben</h1>" in page.text
        assert "M-07 Elektronische Arbeitszeiterfassung" in page.text
    with browser(demo) as web:
        form = web.get("/login?weiter=%2F")
        asked = web.post(
            "/login",
            data={
                "benutzername": "kaemmerei",
                "passwort": "ratsflow-demo",
                "weiter": "/",
                "csrf_token": csrf_of(form),
            },
        )
        assert asked.headers["location"] == "/"
        assert "Übersicht der Maßnahmen" in web.get("/").text


def test_meine_aufgaben_comes_first_in_the_navigation_with_its_count(demo: Runtime) -> None:
    page = signed_in(demo, "kaemmerei").get("/sachstand").text
    nav = page[page.index('aria-label="Hauptnavigation"') :]
    links = re.findall(r'<a href="([^"]+)"', nav)
    assert links[:2] == ["/aufgaben", "/"]
    assert re.search(r'href="/aufgaben"[^>]*>Meine Aufgaben <span class="nav-count">2<', nav)
    assert '<a href="/">Übersicht</a>' in nav


def test_a_visitor_keeps_the_public_start_page_and_is_asked_to_sign_in_for_tasks(
    anonymous: TestClient,
) -> None:
    start = anonymous.get("/")
    assert "Meine Aufgaben" not in start.text and "VII/0680/24" in start.text
    gate = anonymous.get("/aufgaben")
    assert gate.status_code == 303 and gate.headers["location"] == "/login?weiter=%2Faufgaben"
