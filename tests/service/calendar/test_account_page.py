"""Mein Kalender: the account page that makes, shows once and revokes the feed address."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.browser import post_form, signed_in
from tests.service.calendar.conftest import parsed


def _address(page_text: str) -> str:
    found = re.search(r'id="kalender-adresse" type="text" readonly value="([^"]+)"', page_text)
    assert found, "keine Adresse auf der Seite"
    return found.group(1)


def test_the_account_page_shows_a_new_address_once_and_revokes_it(
    client: TestClient, demo: Runtime
) -> None:
    lead = signed_in(demo, "ag.leitung")
    assert 'href="/konto/kalender"' in lead.get("/").text
    first = lead.get("/konto/kalender")
    assert "Sie haben noch keine Kalender-Adresse." in first.text

    made = post_form(lead, "/konto/kalender", "/konto/kalender/neu", {})
    assert made.status_code == 200
    url = _address(made.text)
    assert url.startswith("http") and "/api/v1/calendar/feeds/" in url
    path = "/" + url.split("/", 3)[3]
    parsed(client.get(path))

    later = lead.get("/konto/kalender")
    assert "Eine Kalender-Adresse besteht seit" in later.text
    assert path.rsplit("/", 1)[1] not in later.text  # never shown again

    revoked = post_form(lead, "/konto/kalender", "/konto/kalender/widerrufen", {})
    assert "ist widerrufen" in revoked.text
    assert client.get(path).status_code == 404


def test_a_form_without_its_csrf_token_changes_nothing(client: TestClient, demo: Runtime) -> None:
    lead = signed_in(demo, "ag.leitung")
    refused = lead.post("/konto/kalender/neu", data={})
    assert refused.status_code in (400, 403)
    assert "Sie haben noch keine Kalender-Adresse." in lead.get("/konto/kalender").text


def test_a_council_member_makes_her_calendar_address_on_the_account_page(
    client: TestClient, demo: Runtime
) -> None:
    """Regression: „Mein Kalender“ was missing from her header and the page refused her
    (403), like the API; a council member's own sessions are what the feed is for."""
    her = signed_in(demo, "rat.mitglied")
    assert 'href="/konto/kalender"' in her.get("/aufgaben").text
    assert her.get("/konto/kalender").status_code == 200
    made = post_form(her, "/konto/kalender", "/konto/kalender/neu", {})
    assert made.status_code == 200, made.text
    path = "/" + _address(made.text).split("/", 3)[3]
    assert str(parsed(client.get(path))["X-WR-CALNAME"]) == "ratsflow: Karin Albrecht"
