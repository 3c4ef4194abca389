"""In the browser alone: the AG lead takes a new measure from Entwurf to the FVA.

The form proposes the next free Kennung and "nicht öffentlich"; the step to the FVA names
the missing Aufwand-Nutzen-Analyse and links to its fields; the Angaben form fills them in.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from service.demo.service import DEMO_PASSWORD
from tests.e2e.web.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_the_ag_lead_takes_a_new_measure_from_entwurf_to_the_fva(page: Page) -> None:
    page.goto("/login")
    page.fill("#benutzername", "ag.leitung")
    page.fill("#passwort", DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    page.goto("/massnahmen/neu")
    expect(page.get_by_label("Kennung")).to_have_value(re.compile(r"^M-\d{2}$"))
    expect(page.get_by_label("Öffentlich sichtbar")).to_have_value("nein")
    expect(
        page.get_by_text("Nötig für „Dem Finanz- und Verwaltungsausschuss").first
    ).to_be_visible()
    page.get_by_label("Kennung").fill("M-20")  # the story in test_browser.py takes M-10
    page.get_by_label("Titel").fill("Online-Terminvergabe im Bürgerbüro")
    page.get_by_role("button", name="Maßnahme anlegen").click()
    expect(page.get_by_role("status")).to_have_text("Die Maßnahme wurde angelegt.")
    expect(page.locator(".state-tag")).to_have_text("Entwurf")

    # Zurückziehen asks on a second page first (no JavaScript); "Abbrechen" changes nothing.
    withdraw = page.locator("#schritt-zurueckziehen")
    withdraw.locator("summary").click()
    withdraw.get_by_label("Kommentar").fill("Doch nicht nötig.")
    withdraw.locator("button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zurückziehen?")
    _fits_the_phone(page)
    page.get_by_role("link", name="Abbrechen").click()
    expect(page.locator(".state-tag")).to_have_text("Entwurf")

    page.locator("#schritt-einreichen summary").click()
    page.locator("#schritt-einreichen button[type=submit]").click()
    expect(page.locator(".state-tag")).to_have_text("Prüfung in der AG")

    step = page.locator("#schritt-an_fva_uebergeben")
    step.locator("summary").click()
    expect(step.locator(".blocked")).to_contain_text("Aufwand-Nutzen-Analyse fehlt")
    step.get_by_role("link", name="Einmalige Kosten (EUR) eintragen").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Angaben bearbeiten")
    expect(page.get_by_label("Einmalige Kosten (EUR)")).to_be_in_viewport()
    assert_accessible(page)
    _fits_the_phone(page)
    page.get_by_label("Einmalige Kosten (EUR)").fill("12.000,00")
    page.get_by_label("Laufende Kosten pro Jahr (EUR)").fill("1.800")
    page.get_by_label("Nutzen").fill("Keine Wartezeit im Flur, planbare Sprechzeiten.")
    page.get_by_role("button", name="Angaben speichern").click()
    expect(page.get_by_role("status")).to_have_text("Die Angaben wurden gespeichert.")

    step = page.locator("#schritt-an_fva_uebergeben")
    step.locator("summary").click()
    expect(step.locator(".blocked")).to_have_count(0)
    step.locator("button[type=submit]").click()
    expect(page.locator(".state-tag")).to_have_text(
        "Vorberatung im Finanz- und Verwaltungsausschuss"
    )
    assert_accessible(page)


def _fits_the_phone(page: Page) -> None:
    """At 390 px the page is no wider than the screen (then back to the desk)."""
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
