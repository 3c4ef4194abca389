"""In the browser: the AG lead's first steps with a new measure, and the public view.

Each page visited passes axe-core's WCAG 2.1 AA rules without serious or critical
findings; signing in and firing a step are done with the keyboard alone. The tests write
the screenshots shown in the README (``docs/screenshots``).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from service.demo.service import DEMO_PASSWORD
from tests.e2e.web.conftest import assert_accessible, screenshot, tab_to

pytestmark = pytest.mark.e2e


def _sign_in_by_keyboard(page: Page, username: str) -> None:
    page.goto("/login")
    assert_accessible(page)
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    tab_to(page, "#benutzername")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    screenshot(page, "anmeldung")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Übersicht der Maßnahmen")


def test_the_ag_lead_creates_a_measure_and_is_stopped_by_the_missing_dsb_statement(
    page: Page,
) -> None:
    page.goto("/login")
    page.fill("#benutzername", "ag.leitung")
    page.fill("#passwort", "falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("Benutzername oder Passwort ist falsch.")

    _sign_in_by_keyboard(page, "ag.leitung")
    assert_accessible(page)
    screenshot(page, "uebersicht", full_page=True)

    page.get_by_role("link", name="Neue Maßnahme anlegen").click()
    page.get_by_label("Kennung").fill("M-10")
    page.get_by_label("Titel").fill("Digitale Bauakte")
    page.get_by_label("Öffentlich sichtbar").select_option("nein")
    page.get_by_label("Einmalige Kosten (EUR)").fill("48.000,00")
    page.get_by_label("Laufende Kosten pro Jahr (EUR)").fill("6.500")
    page.get_by_label("Nutzen").fill("Bauanträge ohne Papier, Beteiligte sehen den Stand.")
    page.get_by_label("Berührt personenbezogene Daten").select_option("ja")
    assert_accessible(page)
    screenshot(page, "neue-massnahme", full_page=True)
    page.get_by_role("button", name="Maßnahme anlegen").click()

    expect(page.get_by_role("status")).to_have_text("Die Maßnahme wurde angelegt.")
    expect(page.locator(".state-tag")).to_have_text("Entwurf")
    costs = page.get_by_role("region", name="Aufwand und Nutzen")
    expect(costs).to_contain_text("48.000,00 €")
    expect(costs).to_contain_text("6.500,00 €")
    assert_accessible(page)

    # Submit to the AG with the keyboard: open the step, then press its button.
    tab_to(page, "#schritt-einreichen summary")
    page.keyboard.press("Enter")
    tab_to(page, "#schritt-einreichen button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".state-tag")).to_have_text("Prüfung in der AG")

    step = page.locator("#schritt-an_fva_uebergeben")
    step.locator("summary").click()
    expect(step.locator(".blocked")).to_contain_text(
        "Stellungnahme der/des Datenschutzbeauftragten fehlt"
    )
    step.get_by_label("Kommentar").fill("Bitte in der FVA-Sitzung im Oktober beraten.")
    step.get_by_role("button").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Der Schritt ist noch nicht möglich")
    expect(alert).to_contain_text("Stellungnahme der/des Datenschutzbeauftragten fehlt")
    expect(page.locator(".state-tag")).to_have_text("Prüfung in der AG")
    expect(page.locator("#an_fva_uebergeben-kommentar")).to_have_value(
        "Bitte in der FVA-Sitzung im Oktober beraten."
    )
    expect(page.locator("svg .state.current")).to_have_attribute("data-state", "ag_pruefung")
    assert_accessible(page)
    screenshot(page, "massnahme", full_page=True)

    page.get_by_role("link", name="Ablauf").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ablauf „Maßnahme“")
    assert_accessible(page)
    screenshot(page, "ablauf", full_page=True)


def test_an_anonymous_visitor_sees_the_public_paper_and_no_non_public_measure(
    page: Page,
) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Beschlüsse und Maßnahmen der Stadt")
    assert_accessible(page)
    screenshot(page, "oeffentlich", full_page=True)
    main = page.locator("main")
    expect(main).not_to_contain_text("IT-Sicherheitskonzept")
    expect(main).not_to_contain_text("Digitale Bauakte")

    tab_to(page, "main a[href^='/oeffentlich/vorlagen/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vorlage VII/0680/24")
    expect(main).to_contain_text("einstimmig, ohne Stimmenzahlen")
    expect(main).to_contain_text("FVA/0123/24")
    expect(main).not_to_contain_text("IT-Sicherheitskonzept")
    assert_accessible(page)
    screenshot(page, "oeffentlich-vorlage", full_page=True)

    page.get_by_role("link", name="Einführung der E-Akte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("M-01")
    expect(main).not_to_contain_text("Behrendt")
    assert_accessible(page)

    response = page.goto("/oeffentlich/massnahmen/6")
    assert response is not None and response.status == 404
    expect(main).to_contain_text("Nicht gefunden")
    assert_accessible(page)
    assert re.search(r"/oeffentlich/massnahmen/6$", page.url)
