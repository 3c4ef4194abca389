"""The crawler: every demo role walks the site and reads labels, never codes.

It signs in as each demo user, follows every link inside the site from the start page (the
navigation, and from there the demo's measures, Vorlagen, sessions, reports, ...), and
reads each page's visible text: the words a person sees, and the ``title``, ``aria-label``,
``alt`` and ``placeholder`` a screen reader or a tooltip shows. A state, event or field
code of a definition, a role code, a login name or an internal id found there fails the
test with the page and the sentence around it.

Exceptions (issue 15, point 3): the admin's user administration and a person's own account
page show login names. Codes that read as ordinary German words (``abgelehnt``,
``stoppen``) are left out of the list: a sentence may use them as words.

Times read as local time: a stored UTC timestamp (``2024-02-21T17:00:00+00:00``) fails too.

Bounded: an address pattern (digits replaced by ``#``) is visited at most ``PER_PATTERN``
times per role, and downloads (PDF, CSV, Excel, iCalendar) are not followed. It runs on
SQLite only; the pages are the same on PostgreSQL, whose queries the other tests cover.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter, deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from fastapi.testclient import TestClient

from service.access import ROLE_LABELS
from service.demo.data import STAFF, DemoPerson
from service.measures import service as measures
from service.runtime import Runtime
from tests.service.api_calls import API, login
from tests.service.browser import post_form, signed_in
from workflow.registry import load_registry

DEFINITIONS = Path(__file__).resolve().parents[3] / "definitions"
PER_PATTERN = 10  # every demo measure (M-01..M-09), Vorlage, session, ...
PAGE_LIMIT = 250
START = ("/", "/definitionen/vorlage")  # the Vorlage's Ablauf has no link of its own
SKIPPED = (".pdf", ".csv", ".xlsx", ".ics", ".json", ".svg", ".png")
SKIPPED_PATHS = ("/logout", "/abmelden", "/static/", "/api/", "/oparl", "/metrics")
# Login names may show here only: the admin's user administration, the own account.
LOGIN_PAGES = ("/verwaltung", "/konto/passwort", "/konto/kalender")
# Codes that are also ordinary German words, as a sentence may write them.
WORDS = frozenset(
    {
        "abgelehnt", "abgeschlossen", "angenommen", "beschlossen", "gestoppt", "vertagt",
        "einreichen", "stoppen", "vertagen", "ablehnen", "finanzieren", "wiederaufnehmen",
        "empfehlen", "nutzen", "sicherheitsrelevant", "personenbezogen", "personalwirksam",
    }
)  # fmt: skip
# An item named by its number in the database instead of its Kennung, number or date.
INTERNAL_ID = re.compile(
    r"\b(?:Maßnahme|Vorlage|Sitzung|Gremium|Gremiums|Person|Benutzer|Stellungnahme|Anhang|"
    r"Haushaltsansatz|Beratung|Abstimmung|Arbeitspapier|Pflicht) (?:Nr\. )?\d+\b|\bid[=:]\s*\d+"
)


# A time as stored (UTC, ISO 8601) instead of local time in German.
STORED_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|[+-]00:00\b|\bUTC\b")


def _codes() -> set[str]:
    codes: set[str] = set(ROLE_LABELS)
    for spec in load_registry([DEFINITIONS]).specs():
        codes |= set(spec.states) | set(spec.fields) | {t.event for t in spec.transitions}
    return codes


def forbidden_tokens() -> dict[str, str]:
    """Every code a page must not show, with what it is; ordinary words left out."""
    tokens = {code: "Code" for code in _codes() if code not in WORDS}
    for person in STAFF:
        if person.username and person.username not in WORDS | {"ob"}:  # "ob": a word
            tokens[person.username] = "Anmeldename"
    return tokens


class _Text(HTMLParser):
    """The visible text of a page and the links on it."""

    SHOWN_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
    HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"] or "")
        self.parts += [values[a] or "" for a in self.SHOWN_ATTRIBUTES if values.get(a)]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def read(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts), parser.links


def offences(path: str, text: str, tokens: dict[str, str]) -> list[str]:
    found = []
    logins_allowed = path.startswith(LOGIN_PAGES)
    for line in text.splitlines():
        for word in re.findall(r"[A-Za-z0-9_.]+", line):
            word = word.strip(".")
            kind = tokens.get(word)
            if kind is None or (kind == "Anmeldename" and logins_allowed):
                continue
            found.append(f"{path}: {kind} „{word}“ in „{line[:160]}“")
        if match := INTERNAL_ID.search(line):
            found.append(f"{path}: interne Nummer „{match.group(0)}“ in „{line[:160]}“")
        if match := STORED_TIME.search(line):
            found.append(f"{path}: Zeit in UTC „{match.group(0)}“ in „{line[:160]}“")
    return found


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "#", path)


def crawl(client: TestClient, tokens: dict[str, str]) -> tuple[list[str], int]:
    """Every page reachable from ``START`` (bounded); the offences found and the pages read."""
    queue: deque[str] = deque(START)
    seen: set[str] = set(START)
    per_pattern: Counter[str] = Counter()
    found: list[str] = []
    pages = 0
    while queue and pages < PAGE_LIMIT:
        url = queue.popleft()
        answer = client.get(url)
        if answer.status_code in (301, 302, 303, 307):
            continue
        assert answer.status_code < 500, f"{url}: {answer.status_code}"
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        pages += 1
        path = urlsplit(url).path
        text, links = read(answer.text)
        found += offences(path, text, tokens)
        for href in links:
            target = urldefrag(href)[0]
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.endswith(SKIPPED) or parts.path.startswith(SKIPPED_PATHS):
                continue
            if target in seen or per_pattern[_pattern(parts.path)] >= PER_PATTERN:
                continue
            seen.add(target)
            per_pattern[_pattern(parts.path)] += 1
            queue.append(target)
    return found, pages


@pytest.fixture
def database_url(tmp_path: Path, _demo_sqlite_template: Path) -> Iterator[str]:
    """SQLite only (see the module's text)."""
    target = tmp_path / "ratsflow.db"
    shutil.copyfile(_demo_sqlite_template, target)
    yield f"sqlite:///{target}"


def test_the_forbidden_tokens_come_from_the_definitions_roles_and_logins() -> None:
    tokens = forbidden_tokens()
    assert {"ag_pruefung", "an_fva_uebergeben", "kosten_einmalig", "entwurf"} <= tokens.keys()
    assert {"ag_leitung", "verwaltungsleitung"} <= tokens.keys()
    assert tokens["ag.leitung"] == "Anmeldename" and "abgelehnt" not in tokens


def test_the_crawler_finds_a_code_a_login_and_an_id() -> None:
    tokens = forbidden_tokens()
    text, links = read(
        '<p>Zustand ag_pruefung</p><p title="ag.leitung">x</p><a href="/a">Sitzung 4</a>'
        "<script>ag_leitung</script><p>am 2024-02-21T17:00:00+00:00</p>"
    )
    assert links == ["/a"]
    found = offences("/massnahmen/1", text, tokens)
    assert len(found) == 4, found
    assert offences("/verwaltung/benutzer/1", "ag.leitung", tokens) == []
    assert offences("/", "Die Vorlage wurde abgelehnt. Entwurf, Prüfung in der AG", tokens) == []


@pytest.mark.parametrize("person", [p for p in STAFF if p.username], ids=lambda p: p.username)
def test_every_role_reads_labels_not_codes(demo: Runtime, person: DemoPerson) -> None:
    username = str(person.username)
    found, pages = crawl(signed_in(demo, username), forbidden_tokens())
    assert pages >= 5, f"{username}: nur {pages} Seiten erreicht"
    assert not found, "\n".join(dict.fromkeys(found))


def _draft(runtime: Runtime) -> Any:
    with runtime.read() as connection:
        rows = measures.list_measures(connection, runtime.body_id)
    return next(m for m in rows if m.state == "entwurf")


def test_a_step_the_state_does_not_allow_is_explained_with_labels(demo: Runtime) -> None:
    """Issue 15: „an_fva_uebergeben“ ist im Zustand „entwurf“ nicht möglich. Möglich sind:
    einreichen, zurueckziehen."""
    draft = _draft(demo).id
    lead = signed_in(demo, "ag.leitung")
    page = f"/massnahmen/{draft}"
    refused = post_form(lead, page, f"{page}/schritte", {"ereignis": "an_fva_uebergeben"})
    assert refused.status_code == 409
    assert (
        "„Dem Finanz- und Verwaltungsausschuss zur Vorberatung vorlegen“ ist im Zustand "
        "„Entwurf“ nicht möglich. Möglich sind: „Zur Prüfung in der AG einreichen“, "
        "„Zurückziehen“." in refused.text
    )
    text, _ = read(refused.text)
    assert offences(page, text, forbidden_tokens()) == []


def test_the_api_names_labels_in_its_detail_and_codes_in_allowed(
    demo: Runtime, client: TestClient
) -> None:
    draft = _draft(demo)
    refused = client.post(
        f"{API}/measures/{draft.id}/transitions",
        json={"event": "an_fva_uebergeben", "version": draft.version},
        headers=login(client, "ag.leitung"),
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert "„Entwurf“" in problem["detail"] and "an_fva_uebergeben" not in problem["detail"]
    assert [a["event"] for a in problem["allowed"]] == ["einreichen", "zurueckziehen"]
