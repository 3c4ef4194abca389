"""Every GET route of the app, API and web, and whether a read of it is logged.

``ROUTES`` classifies each route the app serves. ``Logged``: it can return non-public content
or person data; the entry names the access event one read writes and how to make such a read
on the demo city (what the demo lacks is made through the services). ``Unlogged``: it returns
only public content, the caller's own data or none at all, for the reason given. There is no
third kind: a route that shows non-public content logs its read. A route the table does not
know fails ``test_every_get_route_is_classified``: a route added later must be classified.

For each ``Logged`` route, on a demo of its own: a signed-in reader who may see the item reads
it once, and the trail holds exactly one new access event when the answer arrives (read on a
connection of its own, so committed) with the expected action, reader and, where the route
names one item, its id; an anonymous caller and a read of public content write none; and when
the event cannot be written the answer is 503 (problem+json from the API, an error page from
the web) without any of the content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.attachments.service import attach
from service.auth.deputies import name_deputy
from service.auth.service import actor_for
from service.budget.repository import lines_of_measure
from service.committees.meetings import add_agenda_item, new_meeting
from service.main import create_app
from service.measures.service import fire, list_measures
from service.milestones.service import insert_milestone
from service.obligations.service import insert_obligation
from service.papers.service import fire as fire_paper
from service.reports.issuing import issue_report
from service.runtime import Runtime
from tests import factories
from tests.conftest import FakeClock
from tests.service.api_calls import login
from tests.service.browser import signed_in
from tests.service.reads import Access, accesses, audit_fails

API = "/api/v1"
PERIOD = "2026-H1"  # the half-year before the demo's today (01.09.2026)
PURPOSE = "Auskunftsersuchen Az. 2026-17"
SECRET_PAPER = "Personalentwicklungskonzept Verwaltung 2027"
SECRET_DUTY = "Personalrat zum Konzept anhören"
SECRET_FILE = "Schutzbedarf nicht öffentlich"
PUBLIC_FILE = "Pressemitteilung zur E-Akte"
DEPUTY = "personalrat"  # named deputy of the user an admin reads
HIDDEN_PERSON = ("Hanna", "Verborgen")
OUTBOX_ADDRESS = "ilse.irrlauf@aschersleben.example"
AG_ROOM = "Beratungsraum 2.14"
AG = 1  # the AG Digitalisierung, an internal working group of staff
FVA = 3  # the Finanz- und Verwaltungsausschuss, a council body
FVA_MEETING, SR_MEETING = 1, 2  # the demo's public sessions of February 2024
DEMO_PAPER = 1  # VII/0680/24, public, carrying M-01..M-09 (M-06 is not public)


def user_id(runtime: Runtime, username: str) -> int:
    with runtime.read() as c:
        found = actor_for(c, username).user_id
    assert found is not None
    return found


class World:
    """One test's demo city (01.09.2026), and what the demo lacks, made on first use."""

    def __init__(self, runtime: Runtime, moving: FakeClock) -> None:
        self.runtime = runtime
        self.clock = moving

    @cached_property
    def issued(self) -> int:
        """An issued internal Sachstandsbericht (the demo has none yet)."""
        with self.runtime.write() as c:
            return issue_report(self.runtime, c, SYSTEM, PERIOD)

    @cached_property
    def measures(self) -> dict[str, int]:
        with self.runtime.read() as c:
            return {row.code: row.id for row in list_measures(c)}

    @property
    def m06(self) -> int:
        """The demo's one non-public measure (Marco Schindler's IT-Sicherheitskonzept)."""
        return self.measures["M-06"]

    @property
    def m01(self) -> int:
        return self.measures["M-01"]

    def user(self, username: str) -> int:
        return user_id(self.runtime, username)

    def person(self, username: str) -> int:
        with self.runtime.read() as c:
            found = actor_for(c, username).person_id
        assert found is not None
        return found

    def line(self, measure_id: int) -> int:
        """The measure's Haushaltsansatz (each demo measure has one for 2025)."""
        with self.runtime.read() as c:
            return int(lines_of_measure(c, measure_id)[0].id)

    @cached_property
    def m06_milestone(self) -> str:
        title = "Schutzbedarfsfeststellung abgeschlossen"
        with self.runtime.write() as c:
            insert_milestone(self.runtime, c, SYSTEM, measure_id=self.m06, title=title)
        return title

    @cached_property
    def hidden_paper(self) -> int:
        return factories.paper(self.runtime, public=False, title=SECRET_PAPER)

    @cached_property
    def hidden_duty(self) -> int:
        """A duty from the non-public paper's resolution."""
        paper_id = self.hidden_paper  # made in a transaction of its own, before this one
        with self.runtime.write() as c:
            return insert_obligation(
                self.runtime,
                c,
                SYSTEM,
                paper_id=paper_id,
                title=SECRET_DUTY,
                description=None,
                responsible_role="ag_leitung",
                due_on=date(2026, 12, 1),
                every_months=None,
            )

    @cached_property
    def plain_paper(self) -> int:
        """A public paper with nothing non-public in it (no votes, no measures)."""
        return factories.paper(self.runtime, title="Digitale Sitzungsunterlagen")

    @cached_property
    def hidden_paper_step(self) -> str:
        """The non-public paper withdrawn, with a comment its history shows."""
        comment = "Zurückgezogen nach Rücksprache mit dem Personalrat"
        with self.runtime.write() as c:
            lead = actor_for(c, "ag.leitung")
            fire_paper(self.runtime, c, lead, self.hidden_paper, "zurueckziehen", comment=comment)
        return comment

    def _file(self, owner_type: str, owner_id: int, text: str) -> int:
        with self.runtime.write() as c:
            row = attach(
                self.runtime,
                c,
                SYSTEM,
                owner_type,
                owner_id,
                filename=f"{owner_type}-{owner_id}.txt",
                content=text.encode(),
            )
        return int(row.id)

    @cached_property
    def m06_file(self) -> int:
        return self._file("measure", self.m06, SECRET_FILE)

    @cached_property
    def m01_file(self) -> int:
        return self._file("measure", self.m01, PUBLIC_FILE)

    @cached_property
    def paper_file(self) -> int:
        return self._file("paper", self.hidden_paper, SECRET_FILE)

    @cached_property
    def public_paper_file(self) -> int:
        return self._file("paper", DEMO_PAPER, PUBLIC_FILE)

    @cached_property
    def ag_meeting(self) -> int:
        """A session of the AG, an internal working group: not public at all."""
        with self.runtime.write() as c:
            return new_meeting(
                self.runtime,
                c,
                actor_for(c, "sitzungsdienst"),
                committee_id=AG,
                starts_at=self.runtime.now() + timedelta(days=14),
                location=AG_ROOM,
            )

    @cached_property
    def council_meeting(self) -> int:
        """A session of a council body with council members only: public through and through."""
        committee = factories.committee(self.runtime, members=3)
        with self.runtime.write() as c:
            return new_meeting(
                self.runtime,
                c,
                actor_for(c, "sitzungsdienst"),
                committee_id=committee,
                starts_at=self.runtime.now() + timedelta(days=21),
            )

    @cached_property
    def closed_item(self) -> str:
        """A non-public agenda item on the FVA's public session; its title."""
        title = "Personalangelegenheit Amt 21"
        with self.runtime.write() as c:
            office = actor_for(c, "sitzungsdienst")
            add_agenda_item(
                self.runtime, c, office, FVA_MEETING, number="N 1", title=title, public=False
            )
        return title

    @cached_property
    def deputised(self) -> int:
        """The user an admin reads: the ISB, whose deputy is the Personalrat."""
        isb = self.user("informationssicherheit")
        with self.runtime.write() as c:
            name_deputy(
                self.runtime,
                c,
                SYSTEM,
                user_id=isb,
                deputy_username=DEPUTY,
                starts_on=date(2026, 9, 7),
                ends_on=date(2026, 9, 18),
            )
        return isb

    @cached_property
    def outbox_mail(self) -> str:
        """A reminder in the outbox, naming its recipient's address; that address."""
        factories.reminder(self.runtime, email=OUTBOX_ADDRESS)
        return OUTBOX_ADDRESS

    @cached_property
    def overdue_hidden(self) -> str:
        """A non-public measure whose AG review (six weeks) is overdue 43 days on; the name
        of its responsible person."""
        given, family = HIDDEN_PERSON
        with self.runtime.write() as c:
            person = factories.person(self.runtime, c, given_name=given, family_name=family)
            measure_id = factories.measure(
                self.runtime, c, public=False, responsible_person_id=person
            )
            fire(self.runtime, c, actor_for(c, "ag.leitung"), measure_id, "einreichen")
        self.clock.advance(timedelta(days=43))
        return f"{given} {family}"


Build = Callable[[World], str]


def _text(value: str) -> Build:
    return lambda w: value


@dataclass(frozen=True)
class Logged:
    """A route that can return non-public content or person data: one read, one event.

    ``url`` is a request that shows such content to ``reader``; ``shown`` a text of it the
    answer holds and a refusal must not; ``entity`` the id the event names (none for a list,
    a report, a search of the trail). ``public`` is a request on the same route (by
    ``public_reader``, if another) that shows only public content, or nothing: no event.
    ``needs`` names what to make first that the requests do not name themselves (a file a
    list shows), as ``World`` attributes.
    """

    action: str
    reader: str
    url: Build
    shown: Build
    entity: Callable[[World], int] | None = None
    public: Build | None = None
    public_reader: str | None = None
    needs: tuple[str, ...] = ()  # what the demo lacks, made before the requests

    def prepare(self, world: World) -> tuple[str, str, int | None, str | None]:
        """Makes what the case needs; its url, shown text, entity id and public url."""
        for name in self.needs:
            getattr(world, name)
        return (
            self.url(world),
            self.shown(world),
            self.entity(world) if self.entity else None,
            self.public(world) if self.public else None,
        )


@dataclass(frozen=True)
class Unlogged:
    """A route that returns only public content, the caller's own data, or none; ``url`` is
    a request on it (the path itself if it has no parameters) that ``reader`` may make."""

    reason: str
    url: str | None = None
    reader: str = "ag.leitung"
    # Signs in with a bearer token although the path is outside /api (``/metrics``).
    by_token: bool = False
    needs: tuple[str, ...] = ()  # what the demo lacks, made before the request


M06_TITLE = _text("IT-Sicherheitskonzept")


@dataclass(frozen=True)
class FeedToken:
    """A calendar feed: its secret token in the URL is the credential, so the same URL
    shows the same to whoever holds it and no anonymous request tells the cases apart.
    ``tests/service/calendar`` checks that a fetch showing non-public content is one
    access event and a public one none."""

    reason: str


ROUTES: dict[str, Logged | Unlogged | FeedToken] = {
    # --- the API's description and the operation checks -------------------------------------
    "/openapi.json": Unlogged("the API's description"),
    "/docs": Unlogged("the API's documentation page"),
    "/redoc": Unlogged("the API's documentation page"),
    "/healthz": Unlogged("a sign of life"),
    "/readyz": Unlogged("database reachable and migrations current"),
    "/metrics": Unlogged(
        "counts and ages of the installation, no contents", reader="admin", by_token=True
    ),
    "/koerperschaften": Unlogged("the bodies' names and public addresses"),
    # --- accounts --------------------------------------------------------------------------
    "/api/v1/users/me": Unlogged("the caller's own account"),
    "/api/v1/users/me/deputies": Unlogged("the caller's own deputies"),
    "/api/v1/users": Logged(
        "user.read", "admin", lambda w: f"{API}/users", _text("informationssicherheit")
    ),
    "/api/v1/users/{user_id}": Logged(
        "user.read",
        "admin",
        lambda w: f"{API}/users/{w.user('informationssicherheit')}",
        _text("informationssicherheit"),
        entity=lambda w: w.user("informationssicherheit"),
    ),
    "/api/v1/users/{user_id}/deputies": Logged(
        "user.read",
        "admin",
        lambda w: f"{API}/users/{w.deputised}/deputies",
        _text(DEPUTY),
        entity=lambda w: w.deputised,
    ),
    # --- measures and their parts ----------------------------------------------------------
    "/api/v1/measures": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"{API}/measures?state=umsetzung",
        _text("M-06"),
        public=lambda w: f"{API}/measures?state=entwurf",
    ),
    "/api/v1/measures/export.csv": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"{API}/measures/export.csv",
        _text("M-06"),
        public=lambda w: f"{API}/measures/export.csv?state=entwurf",
    ),
    "/api/v1/measures/export": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"{API}/measures/export?format=csv",
        _text("M-06"),
        public=lambda w: f"{API}/measures/export?format=csv&state=entwurf",
    ),
    "/api/v1/measures/{measure_id}": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"{API}/measures/{w.m06}",
        M06_TITLE,
        entity=lambda w: w.m06,
        public=lambda w: f"{API}/measures/{w.m01}",
    ),
    "/api/v1/measures/{measure_id}/history": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"{API}/measures/{w.m06}/history",
        _text("fortschritt_melden"),
        entity=lambda w: w.m06,
        public=lambda w: f"{API}/measures/{w.m01}/history",
    ),
    "/api/v1/measures/{measure_id}/statements": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"{API}/measures/{w.m06}/statements",
        _text("Stefan Brandt"),
        entity=lambda w: w.m06,
        public=lambda w: f"{API}/measures/{w.m01}/statements",
    ),
    "/api/v1/measures/{measure_id}/statement-requests": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"{API}/measures/{w.m06}/statement-requests",
        _text("informationssicherheit"),
        entity=lambda w: w.m06,
        public=lambda w: f"{API}/measures/{w.m01}/statement-requests",
    ),
    "/api/v1/obligations": Logged(
        "paper.read",
        "sitzungsdienst",
        lambda w: f"{API}/obligations",
        _text(SECRET_DUTY),
        entity=lambda w: w.hidden_paper,
        needs=("hidden_duty",),
    ),
    "/api/v1/obligations/{obligation_id}": Logged(
        "paper.read",
        "sitzungsdienst",
        lambda w: f"{API}/obligations/{w.hidden_duty}",
        _text(SECRET_DUTY),
        entity=lambda w: w.hidden_paper,
        public=lambda w: f"{API}/obligations/1",
    ),
    "/api/v1/papers/{paper_id}/obligations": Logged(
        "paper.read",
        "sitzungsdienst",
        lambda w: f"{API}/papers/{w.hidden_paper}/obligations",
        _text(SECRET_DUTY),
        entity=lambda w: w.hidden_paper,
        public=lambda w: f"{API}/papers/{DEMO_PAPER}/obligations",
        needs=("hidden_duty",),
    ),
    "/api/v1/measures/{measure_id}/milestones": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"{API}/measures/{w.m06}/milestones",
        lambda w: w.m06_milestone,
        entity=lambda w: w.m06,
        public=lambda w: f"{API}/measures/{w.m01}/milestones",
    ),
    "/api/v1/measures/{measure_id}/budget-lines": Logged(
        "measure.read",
        "kaemmerei",
        lambda w: f"{API}/measures/{w.m06}/budget-lines",
        _text("783100"),
        entity=lambda w: w.m06,
        public=lambda w: f"{API}/measures/{w.m01}/budget-lines",
    ),
    "/api/v1/budget-lines": Logged(
        "measure.read",
        "kaemmerei",
        lambda w: f"{API}/budget-lines?fiscal_year=2025",
        _text("M-06"),
        public=lambda w: f"{API}/budget-lines?measure_id={w.m01}",
    ),
    "/api/v1/measures/{item_id}/attachments": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"{API}/measures/{w.m06}/attachments",
        lambda w: f"measure-{w.m06}.txt",
        entity=lambda w: w.m06,
        needs=("m06_file",),
        public=lambda w: f"{API}/measures/{w.m01}/attachments",
    ),
    "/api/v1/measures/{item_id}/attachments/{attachment_id}": Logged(
        "attachment.read",
        "ag.leitung",
        lambda w: f"{API}/measures/{w.m06}/attachments/{w.m06_file}",
        _text(SECRET_FILE),
        entity=lambda w: w.m06_file,
        public=lambda w: f"{API}/measures/{w.m01}/attachments/{w.m01_file}",
    ),
    "/api/v1/definitions/{name}": Unlogged(
        "a workflow definition", url=f"{API}/definitions/massnahme"
    ),
    "/api/v1/programmes": Unlogged("programmes are public; staff see their owners' names"),
    "/api/v1/reports/issued": Unlogged("issued reports by number, period and date, no content"),
    "/api/v1/reports/issued/{issued_id}": Unlogged(
        "one issued report's number, period, digests and dates, no content",
        url=f"{API}/reports/issued/1",
        needs=("issued",),
    ),
    "/api/v1/reports/issued/{issued_id}/file": Logged(
        "issued_report.read",
        "ag.leitung",
        lambda w: f"{API}/reports/issued/{w.issued}/file?format=json",
        _text("M-06"),
        entity=lambda w: w.issued,
    ),
    "/api/v1/reports/issued/{issued_id}/verification": Logged(
        "issued_report.read",
        "ag.leitung",
        lambda w: f"{API}/reports/issued/{w.issued}/verification",
        _text("Sachstandsbericht 1. Halbjahr 2026"),
        entity=lambda w: w.issued,
    ),
    "/api/v1/programmes/{programme_id}": Unlogged(
        "a programme is public; staff see its owner's name", url=f"{API}/programmes/1"
    ),
    "/api/v1/reports/sachstand": Logged(
        "status_report.read",
        "ag.leitung",
        lambda w: f"{API}/reports/sachstand?period={PERIOD}",
        M06_TITLE,
        public=lambda w: f"{API}/reports/sachstand?period={PERIOD}&audience=public",
    ),
    # --- OParl: public data only (tests/service/oparl proves nothing else is reachable) -----
    "/oparl/v1/system": Unlogged("OParl: the system object"),
    "/oparl/v1/body": Unlogged("OParl: the public bodies"),
    "/oparl/v1/body/{body_id}/{prop}": Unlogged(
        "OParl: a body's public list", "/oparl/v1/body/1/paper"
    ),
    "/oparl/v1/{entity_type}/{entity_id}": Unlogged("OParl: a public object", "/oparl/v1/paper/1"),
    "/oparl/v1/file/{file_id}/access": Unlogged("OParl: a public file", "/oparl/v1/file/1/access"),
    "/oparl/v1/file/{file_id}/download": Unlogged(
        "OParl: a public file", "/oparl/v1/file/1/download"
    ),
    # --- calendar feeds --------------------------------------------------------------------
    "/api/v1/calendar/committees/{committee_id}.ics": FeedToken(
        "a council body's sessions for everyone; a working group's with a feed token"
    ),
    "/api/v1/calendar/feeds/{token}.ics": FeedToken("a person's own feed behind its token"),
    "/api/v1/calendar/me": Unlogged("whether the caller has a feed address"),
    # --- papers ----------------------------------------------------------------------------
    "/api/v1/papers": Logged(
        "paper.read",
        "sitzungsdienst",
        lambda w: f"{API}/papers?sort=-id",
        _text(SECRET_PAPER),
        public=lambda w: f"{API}/papers?reference=VII/0680",
        needs=("hidden_paper",),
    ),
    "/api/v1/papers/{paper_id}": Logged(
        "paper.read",
        "sitzungsdienst",
        lambda w: f"{API}/papers/{w.hidden_paper}",
        _text(SECRET_PAPER),
        entity=lambda w: w.hidden_paper,
        public=lambda w: f"{API}/papers/{w.plain_paper}",
    ),
    "/api/v1/papers/{paper_id}/history": Logged(
        "paper.read",
        "sitzungsdienst",
        lambda w: f"{API}/papers/{w.hidden_paper}/history",
        lambda w: w.hidden_paper_step,
        entity=lambda w: w.hidden_paper,
        public=lambda w: f"{API}/papers/{DEMO_PAPER}/history",
    ),
    "/api/v1/papers/{item_id}/attachments": Logged(
        "paper.read",
        "sitzungsdienst",
        lambda w: f"{API}/papers/{w.hidden_paper}/attachments",
        lambda w: f"paper-{w.hidden_paper}.txt",
        entity=lambda w: w.hidden_paper,
        needs=("paper_file",),
        public=lambda w: f"{API}/papers/{DEMO_PAPER}/attachments",
    ),
    "/api/v1/papers/{item_id}/attachments/{attachment_id}": Logged(
        "attachment.read",
        "sitzungsdienst",
        lambda w: f"{API}/papers/{w.hidden_paper}/attachments/{w.paper_file}",
        _text(SECRET_FILE),
        entity=lambda w: w.paper_file,
        public=lambda w: f"{API}/papers/{DEMO_PAPER}/attachments/{w.public_paper_file}",
    ),
    # --- committees, meetings, persons -----------------------------------------------------
    "/api/v1/committees": Unlogged("every committee's name and kind is public"),
    "/api/v1/committees/{committee_id}": Unlogged(
        "a committee's name and kind are public", url=f"{API}/committees/{AG}"
    ),
    "/api/v1/committees/{committee_id}/memberships": Logged(
        "committee.read",
        "ag.leitung",
        lambda w: f"{API}/committees/{AG}/memberships",
        _text("Schindler"),
        entity=lambda w: AG,
        # The FVA's ten council members, without the Oberbürgermeister (staff), its eleventh.
        public=lambda w: f"{API}/committees/{FVA}/memberships?limit=10",
    ),
    "/api/v1/meetings": Logged(
        "meeting.read",
        "sitzungsdienst",
        lambda w: f"{API}/meetings",
        _text(AG_ROOM),
        public=lambda w: f"{API}/meetings?committee_id={FVA}",
        needs=("ag_meeting",),
    ),
    "/api/v1/meetings/{meeting_id}": Logged(
        "meeting.read",
        "sitzungsdienst",
        lambda w: f"{API}/meetings/{FVA_MEETING}",
        lambda w: w.closed_item,
        entity=lambda w: FVA_MEETING,
        public=lambda w: f"{API}/meetings/{SR_MEETING}",
    ),
    "/api/v1/meetings/{meeting_id}/attendance": Logged(
        "meeting.read",
        "sitzungsdienst",
        lambda w: f"{API}/meetings/{w.ag_meeting}/attendance",
        _text("Schindler"),
        entity=lambda w: w.ag_meeting,
        public=lambda w: f"{API}/meetings/{w.council_meeting}/attendance",
    ),
    "/api/v1/persons": Logged(
        "person.read", "ag.leitung", lambda w: f"{API}/persons?limit=200", _text("Schindler")
    ),
    "/api/v1/persons/{person_id}": Logged(
        "person.read",
        "ag.leitung",
        lambda w: f"{API}/persons/{w.person('informationssicherheit')}",
        _text("s.brandt@aschersleben.example"),
        entity=lambda w: w.person("informationssicherheit"),
    ),
    # --- the outbox and the audit trail ----------------------------------------------------
    "/api/v1/outbox": Logged(
        "outbox.read", "sitzungsdienst", lambda w: f"{API}/outbox", lambda w: w.outbox_mail
    ),
    "/api/v1/audit/events": Logged(
        "audit.query",
        "datenschutz",
        lambda w: f"{API}/audit/events?purpose={PURPOSE}&entity_type=measure&entity_id={w.m06}",
        _text("measure.transition"),
    ),
    "/api/v1/audit/events/export": Logged(
        "audit.export",
        "datenschutz",
        lambda w: f"{API}/audit/events/export?purpose={PURPOSE}&entity_type=measure",
        _text("Maßnahme: Schritt im Ablauf"),
    ),
    "/api/v1/audit/persons/{person_id}/disclosure": Logged(
        "audit.disclosure",
        "datenschutz",
        lambda w: f"{API}/audit/persons/{w.person('ag.mitglied')}/disclosure?purpose={PURPOSE}",
        _text("@aschersleben.example"),
        entity=lambda w: w.person("ag.mitglied"),
    ),
    "/api/v1/audit/verify": Unlogged(
        "whether each chain is intact: counts and numbers", reader="datenschutz"
    ),
    "/api/v1/audit/checkpoints": Unlogged("signed hashes of the chains", reader="datenschutz"),
    # --- web: site, account, public pages --------------------------------------------------
    "/static/{name}": Unlogged("the stylesheet", url="/static/ratsflow.css"),
    "/impressum": Unlogged("a legal text"),
    "/datenschutz": Unlogged("a legal text"),
    "/barrierefreiheit": Unlogged("a legal text"),
    "/login": Unlogged("the sign-in form"),
    "/konto/passwort": Unlogged("the caller's own password form"),
    "/konto/vertretung": Unlogged("the caller's own deputies, and colleagues' user names"),
    "/konto/kalender": Unlogged("whether the caller has a calendar feed address"),
    "/oeffentlich": Unlogged("public papers and measures, read as the public"),
    "/oeffentlich/vorlagen/{paper_id}": Unlogged(
        "a public paper, read as the public", url=f"/oeffentlich/vorlagen/{DEMO_PAPER}"
    ),
    "/oeffentlich/massnahmen/{measure_id}": Unlogged(
        "a public measure, read as the public", url="/oeffentlich/massnahmen/1"
    ),
    "/definitionen/{name}": Unlogged("a workflow definition", url="/definitionen/massnahme"),
    "/massnahmen/neu": Unlogged("the form for a new measure, with programmes and staff names"),
    "/vorlagen/neu": Unlogged("the form for a new paper"),
    # --- web: council ----------------------------------------------------------------------
    "/vorlagen": Logged(
        "paper.read",
        "sitzungsdienst",
        lambda w: "/vorlagen",
        _text(SECRET_PAPER),
        public=lambda w: "/vorlagen?zustand=beschlossen",
        needs=("hidden_paper",),
    ),
    "/vorlagen/{paper_id}": Logged(
        "paper.read",
        "sitzungsdienst",
        lambda w: f"/vorlagen/{w.hidden_paper}",
        _text(SECRET_PAPER),
        entity=lambda w: w.hidden_paper,
        public=lambda w: f"/vorlagen/{w.plain_paper}",
    ),
    "/vorlagen/{owner_id}/anlagen/{attachment_id}": Logged(
        "attachment.read",
        "sitzungsdienst",
        lambda w: f"/vorlagen/{w.hidden_paper}/anlagen/{w.paper_file}",
        _text(SECRET_FILE),
        entity=lambda w: w.paper_file,
        public=lambda w: f"/vorlagen/{DEMO_PAPER}/anlagen/{w.public_paper_file}",
    ),
    "/sitzungen": Logged(
        "meeting.read",
        "sitzungsdienst",
        lambda w: "/sitzungen",
        _text(AG_ROOM),
        needs=("ag_meeting",),
    ),
    "/sitzungen/{meeting_id}": Logged(
        "meeting.read",
        "sitzungsdienst",
        lambda w: f"/sitzungen/{w.ag_meeting}",
        _text(AG_ROOM),
        entity=lambda w: w.ag_meeting,
        public=lambda w: f"/sitzungen/{w.council_meeting}",
    ),
    # --- web: measures, budget, deadlines, reports -----------------------------------------
    "/": Logged(
        "measure.read",
        "kaemmerei",
        lambda w: "/",
        _text("M-06"),
        public=lambda w: f"/?verantwortlich={w.person('ag.leitung')}",
    ),
    "/massnahmen/{measure_id}": Logged(
        "measure.read",
        "kaemmerei",
        lambda w: f"/massnahmen/{w.m06}",
        M06_TITLE,
        entity=lambda w: w.m06,
        public=lambda w: f"/massnahmen/{w.m01}",
    ),
    "/massnahmen/{measure_id}/bearbeiten": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"/massnahmen/{w.m06}/bearbeiten",
        M06_TITLE,
        entity=lambda w: w.m06,
        public=lambda w: f"/massnahmen/{w.m01}/bearbeiten",
    ),
    "/massnahmen/{owner_id}/anlagen/{attachment_id}": Logged(
        "attachment.read",
        "kaemmerei",
        lambda w: f"/massnahmen/{w.m06}/anlagen/{w.m06_file}",
        _text(SECRET_FILE),
        entity=lambda w: w.m06_file,
        public=lambda w: f"/massnahmen/{w.m01}/anlagen/{w.m01_file}",
    ),
    "/haushalt": Logged(
        "measure.read",
        "kaemmerei",
        lambda w: "/haushalt?jahr=2025",
        _text("M-06"),
        # The Kämmerei chooses among every measure there; the DSB sees M-03's line only.
        public=lambda w: "/haushalt?jahr=2024",
        public_reader="datenschutz",
    ),
    "/haushalt/ansaetze/{line_id}": Logged(
        "measure.read",
        "kaemmerei",
        lambda w: f"/haushalt/ansaetze/{w.line(w.m06)}",
        M06_TITLE,
        entity=lambda w: w.m06,
        public=lambda w: f"/haushalt/ansaetze/{w.line(w.m01)}",
    ),
    "/pflichten": Logged(
        "paper.read",
        "sitzungsdienst",
        lambda w: "/pflichten",
        _text(SECRET_DUTY),
        entity=lambda w: w.hidden_paper,
        needs=("hidden_duty",),
    ),
    # Meine Aufgaben: the AG lead's list names a non-public measure in AG review (and its
    # responsible person); the Kämmerei's names public measures and duties only.
    "/aufgaben": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: "/aufgaben",
        lambda w: w.overdue_hidden,
        public=lambda w: "/aufgaben",
        public_reader="kaemmerei",
    ),
    "/api/v1/users/me/tasks": Logged(
        "measure.read",
        "ag.leitung",
        lambda w: f"{API}/users/me/tasks",
        lambda w: w.overdue_hidden,
        public=lambda w: f"{API}/users/me/tasks",
        public_reader="kaemmerei",
    ),
    "/fristen": Logged(
        "deadline.read",
        "dezernent",
        lambda w: "/fristen?ueberfaellig=1",
        lambda w: w.overdue_hidden,
        public=lambda w: f"/fristen?ueberfaellig=1&verantwortlich={w.person('ag.mitglied')}",
    ),
    "/sachstand": Logged(
        "status_report.read",
        "dezernent",
        lambda w: f"/sachstand?zeitraum={PERIOD}",
        M06_TITLE,
        public=lambda w: f"/sachstand?zeitraum={PERIOD}&fassung=oeffentlich",
    ),
    "/sachstand/{zeitraum}.pdf": Logged(
        "status_report.read",
        "dezernent",
        lambda w: f"/sachstand/{PERIOD}.pdf",
        _text("%PDF"),
        public=lambda w: f"/sachstand/{PERIOD}.pdf?fassung=oeffentlich",
    ),
    "/sachstand/{zeitraum}.xlsx": Logged(
        "status_report.read",
        "dezernent",
        lambda w: f"/sachstand/{PERIOD}.xlsx",
        _text("PK"),
        public=lambda w: f"/sachstand/{PERIOD}.xlsx?fassung=oeffentlich",
    ),
    "/berichte": Unlogged("issued reports by number, period and date, no content"),
    "/berichte/{issued_id}.{endung}": Logged(
        "issued_report.read",
        "dezernent",
        lambda w: f"/berichte/{w.issued}.json",
        _text("M-06"),
        entity=lambda w: w.issued,
    ),
    "/berichte/{issued_id}/pruefung": Logged(
        "issued_report.read",
        "dezernent",
        lambda w: f"/berichte/{w.issued}/pruefung",
        _text("Sachstandsbericht 1. Halbjahr 2026"),
        entity=lambda w: w.issued,
    ),
    "/berichte/pruefen": Unlogged("an empty form: the file is checked by a POST"),
    "/arbeitspapiere": Unlogged("programmes are public; staff see their owners' names"),
    "/arbeitspapiere/neu": Unlogged("an empty form"),
    "/arbeitspapiere/{programme_id}": Unlogged(
        "a programme is public; staff see its owner's name and its reviews",
        url="/arbeitspapiere/1",
    ),
    # --- web: administration and the audit trail -------------------------------------------
    "/verwaltung": Logged(
        "user.read", "admin", lambda w: "/verwaltung", _text("informationssicherheit")
    ),
    "/verwaltung/benutzer/{user_id}": Logged(
        "user.read",
        "admin",
        lambda w: f"/verwaltung/benutzer/{w.deputised}",
        _text(DEPUTY),
        entity=lambda w: w.deputised,
    ),
    # The search and the export are POST forms with the CSRF token; a GET with a purpose (a
    # link from another site) searches nothing and records nothing. Their logged reads are
    # in tests/service/audit/test_security.py and tests/service/web/pages/test_protocol.py.
    "/protokoll": Unlogged(
        "the empty search form: searching is a POST",
        f"/protokoll?zweck={PURPOSE}&objektart=measure",
        reader="datenschutz",
    ),
    "/protokoll/export.csv": Unlogged(
        "the empty search form with a hint: exporting is a POST",
        f"/protokoll/export.csv?zweck={PURPOSE}&objektart=measure",
        reader="datenschutz",
    ),
    "/protokoll/export.xlsx": Unlogged(
        "the empty search form with a hint: exporting is a POST",
        f"/protokoll/export.xlsx?zweck={PURPOSE}&objektart=measure",
        reader="datenschutz",
    ),
}


def get_routes() -> set[str]:
    """Every path the app answers GET on (a mount, which has no methods, counts too)."""
    return {
        str(route.path)
        for route in iter_route_contexts(create_app().routes)
        if route.methods is None or "GET" in route.methods
    }


def test_every_get_route_is_classified() -> None:
    served = get_routes()
    assert sorted(served - ROUTES.keys()) == [], "neue Route: in ROUTES einordnen"
    assert sorted(ROUTES.keys() - served) == [], "Route gibt es nicht mehr: aus ROUTES streichen"


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False, raise_server_exceptions=False)


class Reader:
    """A signed-in caller at the door the route belongs to: with a token, or a session."""

    def __init__(self, app: FastAPI, username: str, api: bool) -> None:
        runtime: Runtime = app.state.runtime
        self.user_id = user_id(runtime, username)
        if api:
            self.client = _client(app)
            self.headers = login(self.client, username)
        else:
            self.client = signed_in(runtime, username, app=app)
            self.headers = {}

    def get(self, url: str) -> httpx.Response:
        return self.client.get(url, headers=self.headers)


def _since(runtime: Runtime, before: list[Access]) -> list[Access]:
    found = accesses(runtime)
    assert found[: len(before)] == before
    return found[len(before) :]


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def world(demo: Runtime, clock: FakeClock) -> World:
    return World(demo, clock)


@pytest.mark.parametrize("path", sorted(p for p, c in ROUTES.items() if isinstance(c, Logged)))
def test_each_read_of_non_public_content_is_one_access_event(
    path: str, world: World, served_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = ROUTES[path]
    assert isinstance(case, Logged)
    runtime, api = world.runtime, path.startswith(API)
    # Everything the requests need exists before anyone signs in (sessions follow the clock).
    url, shown, entity, public_url = case.prepare(world)
    reader = Reader(served_app, case.reader, api)

    before = accesses(runtime)
    answer = reader.get(url)
    assert answer.status_code == 200, answer.text
    assert shown in answer.text
    assert _since(runtime, before) == [Access(case.action, entity, reader.user_id)]

    before = accesses(runtime)
    with _client(served_app) as anonymous:
        assert shown not in anonymous.get(url).text
    if public_url is not None:
        other = Reader(served_app, case.public_reader, api) if case.public_reader else reader
        assert other.get(public_url).status_code == 200
    assert _since(runtime, before) == []

    audit_fails(monkeypatch)
    refused = reader.get(url)
    assert refused.status_code == 503, refused.text
    assert shown not in refused.text
    if api:
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["type"] == "/probleme/zugriff-nicht-protokolliert"
    else:
        assert refused.headers["content-type"].startswith("text/html")
        assert "Zugriff nicht protokolliert" in refused.text


def test_routes_without_non_public_content_log_no_access(world: World, served_app: FastAPI) -> None:
    runtime = world.runtime
    readers: dict[tuple[str, bool], Reader] = {}
    for case in ROUTES.values():
        for name in case.needs if isinstance(case, Unlogged) else ():
            getattr(world, name)
    before = accesses(runtime)
    for path, case in ROUTES.items():
        if isinstance(case, Unlogged):
            api = path.startswith(API) or case.by_token
            if (case.reader, api) not in readers:
                readers[case.reader, api] = Reader(served_app, case.reader, api)
            answer = readers[case.reader, api].get(case.url or path)
            assert answer.status_code < 400, (path, answer.status_code)
    assert _since(runtime, before) == []
