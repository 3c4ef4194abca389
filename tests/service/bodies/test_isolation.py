"""Two bodies on one deployment see nothing of each other.

Body A is the demo city (Aschersleben, every role one login); body B ("Nachbarstadt") gets
one of everything a route can show: persons, logins, a committee with a meeting, a public
and a non-public measure with statement, milestone, budget line, attachment and open
deadline, a paper carrying them, an outbox message, and the audit events all of that
wrote into B's own chain. Every text of B carries the word "Nachbar", so whatever of B a
route lets through is found in the answer.

Then every GET route of the app (API and web, as ``test_read_logging`` enumerates them)
is asked by every role of A and by the public of A: routes that take an id get B's id and
must answer 404 (or 401/403, or the way to the login page, where the caller may not ask at
all, which tells nothing about B), and no answer of any route may contain anything of B.
Finally B's own login sees B's data at B's address, so the markers are there to be found.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from service.actor import SYSTEM, Actor
from service.attachments.service import attach
from service.auth.service import create_user
from service.auth.tokens import hash_password
from service.bodies.service import create_body
from service.budget.service import insert_line
from service.committees.meetings import insert_meeting
from service.demo import data
from service.demo.service import DEMO_PASSWORD
from service.main import create_app
from service.milestones.service import insert_milestone
from service.obligations.service import insert_obligation
from service.outbox.service import Mail, enqueue
from service.reports.issuing import issue_report
from service.runtime import Runtime
from tests import factories
from tests.service.api_calls import login
from tests.service.browser import post_form, sign_in, signed_in

NEIGHBOUR = "nachbarstadt"
LEITUNG = "nachbar.leitung"
MARKER = re.compile(r"nachbar", re.IGNORECASE)
API = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PURPOSE = "Prüfung der Mandantentrennung"
ROLES_OF_A = sorted(p.username for p in data.WITH_LOGIN if p.username)
# Routes that need more than a path to say anything: asked with these queries.
QUERIES = {
    f"{API}/audit/events": f"?purpose={PURPOSE}",
    f"{API}/audit/export": f"?purpose={PURPOSE}",
    "/protokoll": f"?zweck={PURPOSE}",
    "/protokoll/export.csv": f"?zweck={PURPOSE}",
    f"{API}/audit/persons/{{person_id}}/disclosure": f"?purpose={PURPOSE}",
    # B's committee as the list's filter: unknown at A, as a wrong id is.
    "/sitzungen": "?gremium={committee_id}",
}
# Not about a body's data: files, the shared definitions, and the deployment's public list
# of its bodies (names and addresses, which every body's public pages link to).
NOT_ABOUT_B = {
    "/static/{name}",
    "/definitionen/{name}",
    f"{API}/definitions/{{name}}",
    "/koerperschaften",
    # Named by a secret token, not an id; tests/service/calendar tries B's token at A.
    f"{API}/calendar/feeds/{{token}}.ics",
    # OParl names objects by type and id of its own kind; tests/service/oparl/test_bodies.py
    # asks A's server for each of B's objects.
    "/oparl/v1/body/{body_id}/{prop}",
    "/oparl/v1/{entity_type}/{entity_id}",
    "/oparl/v1/file/{file_id}/access",
    "/oparl/v1/file/{file_id}/download",
}


@pytest.fixture
def on_demo_city() -> bool:
    return True


@dataclass(frozen=True)
class Neighbour:
    runtime: Runtime
    ids: dict[str, int]


@pytest.fixture
def neighbour(demo: Runtime) -> Neighbour:
    other = demo.for_body(NEIGHBOUR)
    with demo.write() as c:
        create_body(c, NEIGHBOUR, "Gemeinde Nachbarstadt", land="ST")
    with other.write() as c:
        lead_person = factories.person(
            other, c, given_name="Nora", family_name="Nachbarin", email="nora@nachbarstadt.example"
        )
        lead_id = create_user(
            other,
            c,
            SYSTEM,
            username=LEITUNG,
            roles=["ag_leitung"],
            person_id=lead_person,
            password_hash=hash_password(DEMO_PASSWORD),
        )
        factories.user(other, "admin", connection=c, username="nachbar.admin")
        committee = factories.committee(
            other, c, members=3, name="Nachbarrat", short_name="NR", slug="nachbarrat"
        )
        meeting = insert_meeting(
            other,
            c,
            SYSTEM,
            committee_id=committee,
            starts_at=datetime(2026, 9, 20, 16, tzinfo=UTC),
            location="Nachbarhaus",
        )
        programme = factories.programme(other, c, title="Nachbarprogramm Digitalisierung")
        public = factories.measure(
            other,
            c,
            programme_id=programme,
            code="NB-1",
            title="Nachbar-Radweg",
            responsible_person_id=lead_person,
        )
        secret = factories.measure(
            other,
            c,
            programme_id=programme,
            code="NB-2",
            title="Nachbar-Geheimsache",
            public=False,
            responsible_person_id=lead_person,
        )
        factories.statement(other, secret, connection=c, text="Nachbar-Stellungnahme")
        milestone = insert_milestone(
            other,
            c,
            SYSTEM,
            measure_id=secret,
            title="Nachbar-Meilenstein",
            due_on=date(2026, 12, 1),
        )
        line = insert_line(
            other, c, SYSTEM, measure_id=secret, fiscal_year=2026, product_account="Nachbar-Konto"
        )
        attachment = attach(
            other, c, SYSTEM, "measure", secret, filename="Nachbar-Vermerk.pdf", content=PDF
        )
        paper = factories.paper(
            other,
            c,
            reference="NB/0001/26",
            title="Nachbarvorlage Radverkehr",
            measure_ids=[public, secret],
            consultations=[(committee, "entscheidung")],
        )
        duty = insert_obligation(
            other,
            c,
            SYSTEM,
            paper_id=paper,
            title="Nachbar-Pflicht aus dem Beschluss",
            description=None,
            responsible_role="sitzungsdienst",
            due_on=date(2026, 10, 1),
            every_months=6,
        )
        leading = Actor(lead_id, lead_person, frozenset({"ag_leitung"}), "nb", body_id=None)
        other.lifecycle.fire(c, "measure", secret, "einreichen", actor=leading, now=other.now())
        enqueue(
            other,
            c,
            Mail(
                reminder_key=f"test/nachbar/person:{lead_person}",
                kind="wiedervorlage",
                recipient_email="nora@nachbarstadt.example",
                recipient_person_id=lead_person,
                subject="Nachbar-Erinnerung",
                context={
                    "anrede": "Guten Tag,",
                    "vertretung": None,
                    "gegenstand": "die Maßnahme NB-2 Nachbar-Geheimsache",
                    "faellig": other.now(),
                    "link": "https://nachbarstadt.example/massnahmen/2",
                },
            ),
        )
    with other.write() as c:
        # The neighbour's own FVA receives its issued Sachstandsbericht.
        factories.committee(other, c, slug="fva", members=3)
        issued = issue_report(other, c, SYSTEM, "2026-H1", audience="public")
    return Neighbour(
        other,
        {
            "measure": secret,
            "public_measure": public,
            "paper": paper,
            "committee": committee,
            "meeting": meeting,
            "person": lead_person,
            "user": lead_id,
            "programme": programme,
            "attachment": attachment.id,
            "milestone": milestone,
            "line": line,
            "obligation": duty,
            "issued": issued,
        },
    )


def _get_routes(app: FastAPI) -> list[str]:
    return sorted(
        {
            str(route.path)
            for route in iter_route_contexts(app.routes)
            if route.methods is not None and "GET" in route.methods
        }
    )


def _id_for(path: str, param: str, ids: dict[str, int]) -> str:
    on_papers = path.startswith((f"{API}/papers", "/vorlagen", "/oeffentlich/vorlagen"))
    by_param = {
        "measure_id": ids["measure"],
        "paper_id": ids["paper"],
        "committee_id": ids["committee"],
        "meeting_id": ids["meeting"],
        "person_id": ids["person"],
        "user_id": ids["user"],
        "programme_id": ids["programme"],
        "attachment_id": ids["attachment"],
        "line_id": ids["line"],
        "obligation_id": ids["obligation"],
        "issued_id": ids["issued"],
        "endung": "pdf",
        "item_id": ids["paper"] if on_papers else ids["measure"],
        "owner_id": ids["paper"] if on_papers else ids["measure"],
        "zeitraum": "2026-H2",
    }
    if path.startswith("/oeffentlich/massnahmen"):
        return str(ids["public_measure"])
    return str(by_param[param])


def _url(path: str, ids: dict[str, int]) -> str:
    return re.sub(
        r"{(\w+)(?::\w+)?}",
        lambda m: _id_for(path, m.group(1), ids),
        path + QUERIES.get(path, ""),
    )


@dataclass
class Caller:
    name: str
    api: TestClient
    web: TestClient
    headers: dict[str, str]

    def get(self, path: str, url: str) -> httpx.Response:
        if path.startswith(API):
            return self.api.get(url, headers=self.headers)
        return self.web.get(url)


def _callers(app: FastAPI, clients: ExitStack) -> list[Caller]:
    """The public and every login of A, each with its own cookies and token, all asking one
    app (as one server answers them all), each client kept open for the whole crawl."""

    def client() -> TestClient:
        made = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
        return clients.enter_context(made)

    public = client()
    callers = [Caller("öffentlich", public, public, {})]
    for username in ROLES_OF_A:
        web = clients.enter_context(
            TestClient(app, follow_redirects=False, raise_server_exceptions=True)
        )
        assert sign_in(web, username).status_code == 303, username
        api = client()
        callers.append(Caller(username, api, web, login(api, username)))
    return callers


def test_no_role_of_one_body_sees_anything_of_another(demo: Runtime, neighbour: Neighbour) -> None:
    leaks: list[str] = []
    answered_404: dict[str, set[str]] = {}
    app = create_app(demo)
    routes = [p for p in _get_routes(app) if p not in NOT_ABOUT_B]
    with_ids = [p for p in routes if "{" in p and "{zeitraum}" not in p]
    with ExitStack() as clients:
        for caller in _callers(app, clients):
            for path in routes:
                url = _url(path, neighbour.ids)
                answer = caller.get(path, url)
                if answer.status_code >= 500:
                    leaks.append(f"{caller.name} {url}: {answer.status_code}")
                elif MARKER.search(answer.text):
                    leaks.append(f"{caller.name} {url}: {answer.status_code} zeigt B")
                elif path in with_ids:
                    to_login = answer.is_redirect and "/login" in answer.headers["location"]
                    if answer.is_success or (answer.is_redirect and not to_login):
                        leaks.append(f"{caller.name} {url}: {answer.status_code} statt 404")
                    if answer.status_code == 404:
                        answered_404.setdefault(path, set()).add(caller.name)
    assert leaks == [], "\n".join(leaks)
    # A role that could read such an item of its own body is told B's id does not exist.
    assert sorted(set(with_ids) - answered_404.keys()) == []


def test_the_datenschutz_search_and_export_of_one_body_find_nothing_of_another(
    demo: Runtime, neighbour: Neighbour
) -> None:
    """The web's search and export are POST forms; B's events (its chain) stay out of them."""
    for username in ("datenschutz", "revision"):
        web = signed_in(demo, username)
        for action in ("/protokoll", "/protokoll/export.csv"):
            answer = post_form(web, "/protokoll", action, {"zweck": PURPOSE})
            assert answer.status_code == 200, (username, action, answer.text[:300])
            assert not MARKER.search(answer.text), (username, action)
        found = post_form(web, "/protokoll", "/protokoll", {"zweck": PURPOSE})
        assert "<tbody>" in found.text  # A's own events are found: the search did run


def test_the_other_body_sees_its_own_at_its_address(neighbour: Neighbour, demo: Runtime) -> None:
    """The markers are there to be found: B's login at B's address sees B's items."""
    prefix = f"/b/{NEIGHBOUR}"
    with TestClient(create_app(demo), raise_server_exceptions=False) as client:
        token = client.post(
            f"{prefix}{API}/auth/token",
            data={
                "grant_type": "password",
                "username": LEITUNG,
                "password": DEMO_PASSWORD,
            },
        )
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        measures = client.get(f"{prefix}{API}/measures", headers=headers)
        assert measures.status_code == 200
        assert {m["code"] for m in measures.json()["items"]} == {"NB-1", "NB-2"}
        # The same token is no token at A's address.
        assert client.get(f"{API}/measures", headers=headers).status_code == 401
