"""Phone and desk: every page a demo user reaches fits a 390 px phone and a 1280 px desk.

Each demo user signs in once (one browser context each, one Chromium for the module) and
visits every page of the navigation and the demo's items at both widths: nothing may be
wider than the viewport (tables scroll inside their own box on the phone and show every
column on the desk), the collapsed navigation takes at most two rows on the phone, the
open navigation does not wrap on the desk, and axe-core finds no serious or critical
issue (on the phone for every user, on the desk once per page). SQLite only; the service
tests cover PostgreSQL.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from service.demo import data
from service.demo.service import DEMO_PASSWORD
from tests.e2e.web.conftest import assert_accessible, new_context, screenshot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
USERS = [p.username for p in data.WITH_LOGIN]
# Item pages: every one for a reader of everything, the first of each kind for the others.
ITEM = re.compile(
    r"^/(massnahmen|vorlagen|sitzungen|oeffentlich/vorlagen|oeffentlich/massnahmen)/\d+$"
)
LISTS = ("/", "/vorlagen", "/sitzungen", "/oeffentlich")
READS_ALL = "dezernent"
# Phone screenshots for the README's tour: the AG lead's pages -> file in docs/screenshots.
PHONE_SHOTS = {
    r"/": "handy-uebersicht",
    r"/massnahmen/\d+": "handy-massnahme",
    r"/definitionen/massnahme": "handy-ablauf",
}


def _phone_shot(username: str | None, path: str) -> str | None:
    if username != "ag.leitung":
        return None
    return next((n for p, n in PHONE_SHOTS.items() if re.fullmatch(p, path)), None)


def _signed_in(chromium: Browser, base_url: str, username: str | None) -> Page:
    page = new_context(chromium, base_url).new_page()
    if username is not None:
        page.goto("/login")
        page.fill("#benutzername", username)
        page.fill("#passwort", DEMO_PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(lambda url: "/login" not in url)
    return page


def _links(page: Page, selector: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        selector, "links => links.map(a => new URL(a.href).pathname)"
    )
    return list(dict.fromkeys(hrefs))


def _pages_of(page: Page, username: str | None) -> list[str]:
    """The navigation's pages and the items linked from the lists."""
    page.set_viewport_size(DESK)
    page.goto("/")
    paths = _links(page, "nav[aria-label=Hauptnavigation] a")
    items: list[str] = []
    for path in LISTS:
        if path not in paths and not (username is None and path == "/oeffentlich"):
            continue
        page.goto(path)
        found = [p for p in _links(page, "main a[href]") if ITEM.match(p)]
        if username != READS_ALL:
            # The first of each kind: the layout of a kind does not change with the item.
            firsts: dict[str, str] = {}
            for p in found:
                firsts.setdefault(p.rsplit("/", 1)[0], p)
            found = list(firsts.values())
        items += found
    return list(dict.fromkeys(paths + items))


def _too_wide(page: Page, width: int) -> list[str]:
    wide = page.evaluate("document.documentElement.scrollWidth")
    return [f"{page.url} ist bei {width} px {wide} px breit"] if wide > width else []


def _scrolled_tables(page: Page) -> list[str]:
    """On the desk no column may hide behind a table box's scroll bar."""
    boxes = page.eval_on_selector_all(
        ".table-wrap",
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.getAttribute('aria-label'))",
    )
    return [f"{page.url}: Tabelle „{box}“ verbirgt Spalten bei 1280 px" for box in boxes]


def _inaccessible(page: Page) -> list[str]:
    try:
        assert_accessible(page)
    except AssertionError as exc:
        return [str(exc)]
    return []


def _nav_rows(page: Page) -> int:
    """Rows the navigation's visible entries (or its closed menu button) take."""
    tops = page.eval_on_selector_all(
        "nav[aria-label=Hauptnavigation] :is(summary, li)",
        "els => els.filter(e => e.checkVisibility())"
        ".map(e => Math.round(e.getBoundingClientRect().top))",
    )
    return len(set(tops))


NAV_OVERFLOWS = (
    "(u => u.scrollWidth > u.clientWidth + 1)"
    "(document.querySelector('nav[aria-label=Hauptnavigation] ul'))"
)


@pytest.fixture(scope="module")
def seen_on_desk() -> set[str]:
    """Pages axe has checked at 1280 px: the desk layout of a page is one for every role
    (its forms differ, which the phone's check of every page covers), so once is enough."""
    return set()


@pytest.mark.parametrize("username", [*USERS, None])
def test_every_page_fits_the_phone_and_the_desk(
    chromium: Browser, base_url: str, username: str | None, seen_on_desk: set[str]
) -> None:
    page = _signed_in(chromium, base_url, username)
    try:
        paths = _pages_of(page, username)
        assert len(paths) >= 2, paths
        found: list[str] = []
        for size in (PHONE, DESK):
            page.set_viewport_size(size)
            for path in paths:
                response = page.goto(path)
                assert response is not None and response.status < 400, path
                found += _too_wide(page, size["width"])
                if size is PHONE or path not in seen_on_desk:
                    found += _inaccessible(page)
                if size is DESK:
                    found += _scrolled_tables(page)
                    seen_on_desk.add(path)
                shot = _phone_shot(username, path)
                if shot and size is PHONE:
                    screenshot(page, shot)
            rows = _nav_rows(page)
            if rows > (2 if size is PHONE else 1):
                found.append(f"Navigation bei {size['width']} px in {rows} Zeilen")
            if size is DESK and page.evaluate(NAV_OVERFLOWS):
                found.append("Navigation bei 1280 px breiter als das Fenster")
        assert not found, "\n".join(found)
    finally:
        page.context.close()


def test_the_phone_menu_opens_without_javascript(chromium: Browser, base_url: str) -> None:
    context = new_context(chromium, base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_viewport_size(PHONE)
        page.goto("/login")
        page.fill("#benutzername", "sitzungsdienst")
        page.fill("#passwort", DEMO_PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(lambda url: "/login" not in url)
        nav = page.get_by_role("navigation", name="Hauptnavigation")
        sessions = nav.get_by_role("link", name="Sitzungen")
        expect(sessions).to_be_hidden()
        screenshot(page, "handy-start")
        nav.locator("summary").click()
        expect(sessions).to_be_visible()
        screenshot(page, "handy-menue")
        sessions.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sitzungen")
    finally:
        context.close()


def test_the_legend_of_the_diagram_keeps_its_items_apart(chromium: Browser, base_url: str) -> None:
    """Each item with the room of its number (2 em left of it) overlaps no other item."""
    page = _signed_in(chromium, base_url, "ag.leitung")
    try:
        for size in (PHONE, DESK):
            page.set_viewport_size(size)
            page.goto("/definitionen/massnahme")
            boxes = page.eval_on_selector_all(
                ".legend li",
                "els => els.map(e => { const r = e.getBoundingClientRect();"
                " const em = parseFloat(getComputedStyle(e).fontSize);"
                " return [r.left - 2 * em, r.top, r.right, r.bottom]; })",
            )
            assert len(boxes) > 10
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                    assert apart, (size["width"], a, b)
    finally:
        page.context.close()
