"""In the browser: the AG lead's first steps with a new measure, and the public view.

Each page visited passes axe-core's WCAG 2.1 AA rules without serious or critical
findings; signing in and firing a step are done with the keyboard alone. The tests write
the screenshots shown in the README (``docs/screenshots``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from service.demo.service import DEMO_PASSWORD
from tests.conftest import DEMO_NOW, FakeClock
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Aufgaben")


def test_the_issues_story_from_a_new_measure_to_the_public_paper(
    page: Page, browser_for: Callable[[], Page], server_clock: FakeClock
) -> None:
    """The AG lead is stopped by the missing DSB statement, the DSB gives it, a paper carries
    the measure through FVA (9/0/0) and Stadtrat (einstimmig), the Kämmerei plans the
    budget, the DSB searches the trail for the measure and exports it as CSV, and the
    public sees the paper but not the non-public measure."""
    measure_url = _ag_lead_creates_a_measure_and_is_stopped(page)
    _dsb_gives_the_statement(browser_for(), measure_url)
    office = browser_for()
    _sign_in(office, "sitzungsdienst")
    paper_url = _office_prepares_the_paper(office, measure_url)
    _ag_lead_submits_the_paper(page, paper_url, measure_url)
    # Votes are recorded after their sessions (a vote dated in the future is refused).
    server_clock.now = datetime(2026, 9, 23, 18, tzinfo=UTC)
    try:
        _sign_in(office, "sitzungsdienst")  # three weeks on, the session has expired
        _office_records_the_votes(office, paper_url)
        _kaemmerei_plans_the_budget(browser_for(), measure_url)
        _dsb_searches_the_trail_and_exports_csv(browser_for(), measure_url)
        _public_sees_the_paper_but_not_the_measure(browser_for(), paper_url)
    finally:
        server_clock.now = DEMO_NOW


def _sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("#benutzername", username)
    page.fill("#passwort", DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Aufgaben")


def _submit_by_keyboard(page: Page, selector: str) -> None:
    """From the form's first field on, Tab reaches the button and Enter submits."""
    button = page.locator(selector)
    button.locator("xpath=ancestor::form").locator("input:visible, select, textarea").first.focus()
    tab_to(page, selector, limit=60)
    page.keyboard.press("Enter")


def _ag_lead_creates_a_measure_and_is_stopped(page: Page) -> str:
    page.goto("/login")
    page.fill("#benutzername", "ag.leitung")
    page.fill("#passwort", "falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("Benutzername oder Passwort ist falsch.")

    _sign_in_by_keyboard(page, "ag.leitung")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Übersicht"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Übersicht der Maßnahmen")
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
    measure_url = page.url.split("?")[0]
    expect(page.locator(".state-tag")).to_have_text("Entwurf")
    costs = page.get_by_role("region", name="Aufwand und Nutzen", exact=True)
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
    return measure_url


def _dsb_gives_the_statement(dsb: Page, measure_url: str) -> None:
    _sign_in(dsb, "datenschutz")
    dsb.goto(measure_url)
    form = dsb.locator("form[action$='/stellungnahmen']")
    form.get_by_label("Ergebnis").select_option("mit_auflagen")
    form.get_by_label("Text").fill("Zustimmung unter Auflagen: Löschkonzept vorlegen.")
    form.get_by_label("Auflagen (bei „mit Auflagen“: eine je Zeile)").fill("Löschkonzept vorlegen")
    assert_accessible(dsb)
    _submit_by_keyboard(dsb, "form[action$='/stellungnahmen'] button[type=submit]")
    expect(dsb.get_by_role("status")).to_have_text("Die Stellungnahme wurde gespeichert.")
    statements = dsb.get_by_role("region", name="Stellungnahmen", exact=True)
    expect(statements).to_contain_text("mit Auflagen")
    expect(statements).to_contain_text("Petra Vogel")
    screenshot(dsb, "stellungnahme", full_page=True)


def _office_prepares_the_paper(office: Page, measure_url: str) -> str:
    """A fresh paper carrying the measure, two meetings and its Beratungsfolge."""
    office.goto("/vorlagen/neu")
    office.get_by_label("Drucksachennummer").fill("VII/0800/26")
    office.get_by_label("Titel").fill("Digitalisierung des Bauordnungsamts")
    office.get_by_label("Zuständigkeit").fill("§ 45 Abs. 1 KVG LSA")
    assert_accessible(office)
    office.get_by_role("button", name="Vorlage anlegen").click()
    expect(office.get_by_role("status")).to_have_text("Die Vorlage wurde angelegt.")
    paper_url = office.url.split("?")[0]
    measure_id = measure_url.rsplit("/", 1)[1]
    office.get_by_label("Maßnahme hinzufügen").select_option(measure_id)
    office.get_by_role("button", name="Maßnahme hinzufügen").click()
    expect(office.get_by_role("region", name="Getragene Maßnahmen", exact=True)).to_contain_text(
        "M-10"
    )

    for committee, day in (
        ("Finanz- und Verwaltungsausschuss", "2026-09-16"),
        ("Stadtrat", "2026-09-23"),
    ):
        office.goto("/sitzungen")
        office.locator("#neue-sitzung summary").click()
        office.get_by_label("Gremium").select_option(label=committee)
        office.get_by_label("Datum").fill(day)
        office.get_by_role("button", name="Sitzung anlegen").click()
        expect(office.get_by_role("status")).to_have_text("Die Sitzung wurde angelegt.")
    assert_accessible(office)

    for committee, role, meeting in (
        ("Finanz- und Verwaltungsausschuss", "vorberatung", "FVA, 16.09.2026"),
        ("Stadtrat", "entscheidung", "SR, 23.09.2026"),
    ):
        office.goto(paper_url)
        office.locator("#beratung-planen summary").click()
        office.get_by_label("Gremium").select_option(label=committee)
        office.get_by_label("Art der Beratung").select_option(role)
        office.get_by_label("Sitzung", exact=True).select_option(label=f"{meeting}, 17:00 Uhr")
        office.get_by_role("button", name="Schritt hinzufügen").click()
        expect(office.get_by_role("status")).to_contain_text("Beratungsfolge")
    return paper_url


def _ag_lead_submits_the_paper(lead: Page, paper_url: str, measure_url: str) -> None:
    lead.goto(paper_url)
    step = lead.locator("#schritt-in_vorberatung_geben")
    step.locator("summary").click()
    step.get_by_label("Sitzungstermin").fill("2026-09-16")
    assert_accessible(lead)
    _submit_by_keyboard(lead, "#schritt-in_vorberatung_geben button[type=submit]")
    expect(lead.locator(".state-tag")).to_have_text(
        "Vorberatung im Finanz- und Verwaltungsausschuss"
    )
    lead.goto(measure_url)
    expect(lead.locator(".state-tag")).to_have_text(
        "Vorberatung im Finanz- und Verwaltungsausschuss"
    )


def _office_records_the_votes(office: Page, paper_url: str) -> None:
    for link, vote in (("FVA", "9/0/0"), ("SR", "einstimmig")):
        office.goto(paper_url)
        office.get_by_role("region", name="Beratungsfolge", exact=True).get_by_role("link").nth(
            0 if link == "FVA" else 1
        ).click()
        office.locator("#tagesordnung-neu summary").click()
        office.get_by_label("Nummer").fill("Ö 1")
        office.get_by_label("Vorlage").select_option(
            label="VII/0800/26 Digitalisierung des Bauordnungsamts"
        )
        office.get_by_role("button", name="Punkt hinzufügen").click()
        expect(office.get_by_role("status")).to_have_text(
            "Der Tagesordnungspunkt wurde aufgenommen."
        )
        form = office.locator("details[id^=abstimmung-]")
        if vote == "9/0/0":
            # Everyone present in one step, then the two exceptions.
            office.get_by_role("button", name="Alle anwesend").click()
            expect(office.get_by_role("status")).to_contain_text("Ausnahmen ändern")
            excused = office.locator("input[type=radio][value=entschuldigt]")
            for i in range(2):
                excused.nth(i).check()
            office.get_by_role("button", name="Anwesenheit speichern").click()
            expect(office.get_by_role("status")).to_have_text("Die Anwesenheit wurde gespeichert.")
            expect(office.get_by_role("region", name="Anwesenheit")).to_contain_text(
                "davon 9 anwesend"
            )
            form.locator("> summary").click()
            form.get_by_label("Ja", exact=True).fill("9")
            form.get_by_label("Nein", exact=True).fill("0")
            form.get_by_label("Enthaltungen").fill("0")
            form.get_by_label("Beschlussnummer").fill("FVA/0301/26")
            assert_accessible(office)
            screenshot(office, "sitzung", full_page=True)
        else:
            form.locator("> summary").click()
            form.get_by_label("einstimmig (ohne Stimmenzahlen)").check()
            form.get_by_label("Beschlussnummer").fill("SR/0802/26")
        _submit_by_keyboard(office, "details[id^=abstimmung-] button[type=submit]")
        expect(office.get_by_role("status")).to_contain_text("Die Abstimmung wurde erfasst")
    office.goto(paper_url)
    expect(office.locator(".state-tag")).to_have_text("Beschlossen")
    votes = office.get_by_role("region", name="Abstimmungen", exact=True).first
    expect(votes).to_contain_text("9 ja / 0 nein / 0 Enthaltung")
    expect(votes).to_contain_text("einstimmig, ohne Stimmenzahlen")
    assert_accessible(office)
    screenshot(office, "vorlage", full_page=True)


def _kaemmerei_plans_the_budget(treasury: Page, measure_url: str) -> None:
    _sign_in(treasury, "kaemmerei")
    treasury.goto(measure_url)
    expect(treasury.locator(".state-tag")).to_have_text("Haushaltsplanung")
    step = treasury.locator("#schritt-finanzieren")
    step.locator("summary").click()
    step.get_by_label("Haushaltsjahr").fill("2027")
    step.get_by_label("Veranschlagte einmalige Mittel (EUR)").fill("48.000,00")
    step.get_by_label("Veranschlagte laufende Mittel (EUR)").fill("6.500,00")
    step.get_by_role("button").click()
    expect(treasury.locator(".state-tag")).to_have_text("Umsetzung")

    treasury.goto("/haushalt?jahr=2027")
    treasury.locator("#neuer-ansatz summary").click()
    treasury.get_by_label("Maßnahme", exact=True).select_option(measure_url.rsplit("/", 1)[1])
    treasury.get_by_label("Produkt/Konto").fill("51.1.01 / 783100")
    treasury.get_by_label("Einmalig geplant (EUR)").fill("48.000,00")
    treasury.get_by_label("Laufend geplant (EUR)").fill("6.500,00")
    treasury.get_by_label("Bewilligt (EUR)").fill("54.500,00")
    _submit_by_keyboard(treasury, "#neuer-ansatz button[type=submit]")
    expect(treasury.get_by_role("status")).to_have_text("Der Haushaltsansatz wurde angelegt.")
    expect(
        treasury.get_by_role("region", name="Haushaltsansätze 2027", exact=True).first
    ).to_contain_text("54.500,00 €")
    assert_accessible(treasury)
    screenshot(treasury, "haushalt", full_page=True)


def _dsb_searches_the_trail_and_exports_csv(dsb: Page, measure_url: str) -> None:
    _sign_in(dsb, "datenschutz")
    dsb.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Datenschutz"
    ).click()
    expect(dsb.get_by_role("heading", level=1)).to_have_text("Protokollsuche")
    dsb.get_by_label("Zweck der Abfrage").fill("Prüfung der Maßnahme M-10")
    dsb.get_by_label("Kennung oder Drucksachennummer").fill("M-10")  # what she knows
    dsb.get_by_role("button", name="Suchen").click()
    events = dsb.get_by_role("region", name="Protokolleinträge", exact=True)
    expect(events).to_contain_text("Maßnahme: angelegt")
    expect(events).to_contain_text("Maßnahme M-10")
    expect(events).to_contain_text("Digitale Bauakte")
    assert_accessible(dsb)
    screenshot(dsb, "datenschutz", full_page=True)
    with dsb.expect_download() as download:
        dsb.get_by_role("button", name="Als CSV exportieren").click()
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        text = exported.read()
    assert text.startswith('"Laufnummer";"Zeit (Europe/Berlin)";"Benutzer"')
    assert "Digitale Bauakte" in text


def _public_sees_the_paper_but_not_the_measure(visitor: Page, paper_url: str) -> None:
    visitor.goto("/oeffentlich")
    main = visitor.locator("main")
    expect(main).to_contain_text("VII/0800/26")
    expect(main).not_to_contain_text("Digitale Bauakte")
    visitor.locator(f"main a[href='/oeffentlich/vorlagen/{paper_url.rsplit('/', 1)[1]}']").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Vorlage VII/0800/26")
    expect(main).to_contain_text("FVA/0301/26")
    expect(main).to_contain_text("einstimmig, ohne Stimmenzahlen")
    expect(main).not_to_contain_text("Digitale Bauakte")
    expect(main).not_to_contain_text("M-10")
    assert_accessible(visitor)


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

    tab_to(page, "main a[href^='/oeffentlich/vorlagen/']:has-text('VII/0680/24')")
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


@pytest.mark.parametrize(
    ("username", "path", "heading", "shot"),
    [
        ("dezernent", "/fristen", "Fristen und Beschlusskontrolle", "fristen"),
        (
            "ag.leitung",
            "/sachstand?zeitraum=2026-H1",
            "Sachstandsbericht 1. Halbjahr 2026",
            "sachstand",
        ),
        ("admin", "/verwaltung", "Verwaltung", "verwaltung"),
        ("ag.mitglied", "/konto/vertretung", "Meine Vertretung", "vertretung"),
        ("ag.leitung", "/konto/kalender", "Mein Kalender", None),
        ("sitzungsdienst", "/vorlagen", "Vorlagen", None),
        ("sitzungsdienst", "/sitzungen", "Sitzungen", None),
    ],
)
def test_each_room_is_accessible_and_reachable_from_the_navigation_or_the_account_links(
    page: Page, username: str, path: str, heading: str, shot: str | None
) -> None:
    _sign_in(page, username)
    link = path.split("?")[0]
    # The rooms are in the main navigation, the own account's pages beside the name.
    tab_to(page, f"nav[aria-label=Hauptnavigation] a[href='{link}'], header .user a[href='{link}']")
    page.keyboard.press("Enter")
    if "?" in path:
        page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    if shot:
        screenshot(page, shot, full_page=True)
