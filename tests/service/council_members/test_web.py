"""A council member's day in the browser: she lands on the Beschlusskontrolle, her navigation
names what she reads (Beschlusskontrolle, Sachstandsbericht, Berichte, Vorlagen) and nothing
she cannot use, every link on those pages opens, and everything reads in German."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from service.measures.service import list_measures
from service.runtime import Runtime
from tests.service.browser import signed_in
from tests.service.council_members.support import (
    COUNCIL_MEMBER,
    SECRET,
    council_member,
    paper_in,
)
from tests.service.reads import Access, accesses

NAV = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
LINK = re.compile(r'<a [^>]*href="([^"#]+)[^"]*"[^>]*>')
ROOMS = ["Meine Aufgaben", "Beschlusskontrolle", "Sachstandsbericht", "Berichte", "Vorlagen"]


def _nav(html: str) -> list[tuple[str, str]]:
    found = NAV.search(html)
    assert found, "Seite ohne Hauptnavigation"
    links = re.findall(
        r'<a href="([^"]+)"[^>]*>([^<]+)(?:<span class="nav-count">|</a>)', found.group(0)
    )
    return [(href, label.strip()) for href, label in links]


def test_her_tasks_lead_to_the_beschlusskontrolle_and_her_navigation_names_her_rooms_only(
    demo: Runtime,
) -> None:
    with signed_in(demo, COUNCIL_MEMBER) as web:
        start = web.get("/")
        assert start.status_code == 303
        assert start.headers["location"] == "/fristen"
        tasks = web.get("/aufgaben")
        assert tasks.status_code == 200
        assert 'href="/fristen"' in tasks.text
        page = web.get("/fristen")
        assert page.status_code == 200
        assert "<h1>Beschlusskontrolle</h1>" in page.text
        assert [label for _, label in _nav(page.text)] == ROOMS
        for href, label in _nav(page.text):
            assert web.get(href).status_code == 200, label
        # Her role by its German name; no account pages she could not use, and her own
        # calendar address, which she may make (docs/kalender-und-excel.md).
        assert "(Ratsmitglied)" in page.text
        assert "ratsmitglied" not in page.text
        assert "Meine Vertretung" not in page.text and "Mein Kalender" in page.text


def test_every_link_on_her_pages_opens(demo: Runtime) -> None:
    """No dead ends: each link of her rooms (papers and reports included) answers 200; a
    non-public measure is named without a link, since its page is the administration's."""
    paper_in(demo, "fva")
    with demo.read() as c:
        m06 = next(m.id for m in list_measures(c) if m.code == "M-06")  # not public
    dead = []
    with signed_in(demo, COUNCIL_MEMBER) as web:
        seen: set[str] = set()
        pages = [href for href, _ in _nav(web.get("/fristen").text)]
        for page in pages:
            html = web.get(page).text
            for href in LINK.findall(html):
                if href in seen or urlsplit(href).netloc or href.startswith("/static/"):
                    continue
                seen.add(href)
                status = web.get(href).status_code
                if status not in (200, 303):
                    dead.append(f"{page} -> {href}: {status}")
        assert f"/massnahmen/{m06}" not in seen
        assert any(href.startswith("/vorlagen/") for href in seen)
    assert dead == []


def test_the_vorlagen_page_lists_her_committees_papers_and_opens_one_with_a_logged_read(
    demo: Runtime,
) -> None:
    mine = paper_in(demo, "fva")
    other = paper_in(demo, "ag-digitalisierung", title="Interne Organisationsuntersuchung")
    me = council_member(demo)
    with signed_in(demo, COUNCIL_MEMBER) as web:
        listed = web.get("/vorlagen")
        assert f'href="/vorlagen/{mine}"' in listed.text
        assert f'href="/vorlagen/{other}"' not in listed.text
        assert "Neue Vorlage" not in listed.text
        before = accesses(demo)
        page = web.get(f"/vorlagen/{mine}")
        assert page.status_code == 200
        assert SECRET in page.text
        assert accesses(demo)[len(before) :] == [Access("paper.read", mine, me.user_id)]
        assert web.get(f"/vorlagen/{other}").status_code == 404
        # Nothing on the page asks her to change anything.
        assert "<form" not in page.text.split("<main", 1)[1].split("</main>", 1)[0]


def test_her_reports_pages_render(demo: Runtime, client: TestClient) -> None:
    with signed_in(demo, COUNCIL_MEMBER) as web:
        report = web.get("/sachstand")
        assert report.status_code == 200
        assert "Sachstandsbericht" in report.text
        assert web.get("/berichte").status_code == 200
