"""Phone and desk: every page a demo user reaches fits a 390 px phone and a 1280 px desk.

Each demo user signs in once (one browser context each, one Chromium for the module) and
visits every page of the navigation and the demo's items at both widths: nothing may be
wider than the viewport (tables scroll inside their own box on the phone and show every
column on the desk), the collapsed navigation takes at most two rows on the phone, the
open navigation does not wrap on the desk, and axe-core finds no serious or critical
issue (on the phone for every structure of a page any user sees, on the desk once per page
and structure). SQLite only; the service tests cover PostgreSQL.
"""

from __future__ import annotations

import hashlib
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


def _items(page: Page, username: str | None) -> list[str]:
    """The items linked from the list on the page."""
    found = [p for p in _links(page, "main a[href]") if ITEM.match(p)]
    if username != READS_ALL:
        # The first of each kind: the layout of a kind does not change with the item.
        firsts: dict[str, str] = {}
        for p in found:
            firsts.setdefault(p.rsplit("/", 1)[0], p)
        found = list(firsts.values())
    return found


def _inaccessible(page: Page) -> list[str]:
    try:
        assert_accessible(page)
    except AssertionError as exc:
        return [str(exc)]
    return []


# What one width shows, in one round trip: the document's width, the table boxes that hide
# columns behind their scroll bar, the rows the navigation's visible entries (or its closed
# menu button) take, and whether the open navigation is wider than its box.
MEASURE = """() => ({
  wide: document.documentElement.scrollWidth,
  scrolled: [...document.querySelectorAll('.table-wrap')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.getAttribute('aria-label')),
  navRows: new Set([...document.querySelectorAll(
      'nav[aria-label=Hauptnavigation] :is(summary, li)')]
    .filter(e => e.checkVisibility())
    .map(e => Math.round(e.getBoundingClientRect().top))).size,
  navOverflows: (u => u.scrollWidth > u.clientWidth + 1)(
    document.querySelector('nav[aria-label=Hauptnavigation] ul')),
})"""

# The page's structure for axe: every element with its attributes and whether it holds text
# of its own, runs of equal siblings (table rows, list entries) counted once. What only
# names or numbers something (text, links, ids, values such as the CSRF token) is left out:
# axe's rules read structure, roles, labels' presence and colours, so two pages of one
# structure get one verdict. Pages that differ in a form, a button, a column or a state's
# badge differ here and are both checked. An id and what refers to one keep, instead of
# their value, the one thing axe's rules ask of it ('!' where a rule would object): an id is
# unique in the document (duplicate-id-aria), a label's ``for`` names a labelable element
# (label), every id an aria-labelledby, -describedby or -controls names exists
# (aria-valid-attr-value). Values would split pages that differ only in an item's number.
STRUCTURE = """() => {
  const named = new Set(['href', 'value', 'action', 'id', 'for', 'aria-labelledby',
    'aria-describedby', 'title', 'datetime', 'aria-label', 'alt', 'name', 'aria-controls',
    'src']);
  const refs = new Set(['aria-labelledby', 'aria-describedby', 'aria-controls']);
  const labelable = 'button, input:not([type=hidden]), meter, output, progress, select, textarea';
  const ids = new Map();
  for (const e of document.querySelectorAll('[id]')) ids.set(e.id, (ids.get(e.id) || 0) + 1);
  const kept = a => {
    if (!a.value) return '-';
    const ok = a.name === 'id' ? ids.get(a.value) === 1
      : a.name === 'for' ? document.getElementById(a.value)?.matches(labelable)
      : !refs.has(a.name) || a.value.trim().split(/\\s+/).every(r => ids.has(r));
    return ok ? '+' : '!';
  };
  const walk = el => {
    const attrs = [...el.attributes]
      .map(a => named.has(a.name) ? a.name + kept(a) : a.name + '=' + a.value)
      .sort().join(' ');
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const kids = [];
    for (const child of el.children) {
      const s = walk(child);
      if (s !== kids[kids.length - 1]) kids.push(s);
    }
    return '<' + el.tagName + ' ' + attrs + (text ? ' T' : '') + '>' + kids.join('') + '</>';
  };
  return walk(document.documentElement);
}"""


def _layout(page: Page, size: dict[str, int]) -> list[str]:
    """Too wide, on the desk a table hiding columns, and the navigation's rows and (on the
    desk) its width: on every page, since the current page's entry is set in bold (the
    check on each user's last page alone missed the row growing wider than the window on
    the pages of the AG lead's longer entries)."""
    width = size["width"]
    seen = page.evaluate(MEASURE)
    found = (
        [f"{page.url} ist bei {width} px {seen['wide']} px breit"] if seen["wide"] > width else []
    )
    if size is DESK:
        found += [
            f"{page.url}: Tabelle „{box}“ verbirgt Spalten bei 1280 px" for box in seen["scrolled"]
        ]
    if seen["navRows"] > (2 if size is PHONE else 1):
        found.append(f"{page.url}: Navigation bei {width} px in {seen['navRows']} Zeilen")
    if size is DESK and seen["navOverflows"]:
        found.append(f"{page.url}: Navigation bei 1280 px breiter als das Fenster")
    return found


@pytest.fixture(scope="module")
def axe_checked() -> set[tuple[int, str]]:
    """(width, structure) and (desk width, path) axe has checked. The same structure
    (``STRUCTURE``) at the same width gets the same verdict, whoever signed in (the
    Oberbürgermeister and the Dezernent share their role set and see pages that differ only
    in the name of who signed in) and whichever item of a kind it shows. On the desk a path is
    checked once, as before: the desk layout of a page is one for every role (its forms
    differ, which the phone's check of every structure covers)."""
    return set()


def _structure(page: Page) -> str:
    text: str = page.evaluate(STRUCTURE)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("username", [*USERS, None])
def test_every_page_fits_the_phone_and_the_desk(
    chromium: Browser, base_url: str, username: str | None, axe_checked: set[tuple[int, str]]
) -> None:
    page = _signed_in(chromium, base_url, username)
    try:
        # The navigation's pages and the items linked from the lists, the latter added as
        # their list is visited.
        response = page.goto("/")
        paths = _links(page, "nav[aria-label=Hauptnavigation] a")
        assert len(paths) >= 2, paths
        if username is None and "/oeffentlich" not in paths:
            page.goto("/oeffentlich")
            paths += _items(page, username)
        found: list[str] = []
        for i, path in enumerate(paths):
            # Each page is loaded once and seen at both widths (the layout is CSS alone, no
            # script: a resized page lays out as one loaded at that width); the order
            # alternates so the window changes its size once per page.
            if i > 0 or page.url != base_url + path:
                response = page.goto(path)
            assert response is not None and response.status < 400, path
            if path in LISTS:
                paths += [p for p in _items(page, username) if p not in paths]
            structure = _structure(page)
            for size in (PHONE, DESK) if i % 2 == 0 else (DESK, PHONE):
                if page.viewport_size != size:
                    page.set_viewport_size(size)
                found += _layout(page, size)
                keys = {(size["width"], structure)}
                if size is DESK:
                    keys.add((size["width"], path))
                if not keys & axe_checked:
                    found += _inaccessible(page)
                axe_checked.update(keys)
                shot = _phone_shot(username, path)
                if shot and size is PHONE:
                    screenshot(page, shot)
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
