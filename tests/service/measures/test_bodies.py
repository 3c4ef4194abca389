"""Two bodies in one deployment: the demo city (Aschersleben) and a neighbour (Nachbarstadt).

A user of the demo city gets 404 for every id of the neighbour's measures and their parts
(statements, milestones, budget lines, attachments), cannot name the neighbour's programme
or person in a new measure, and finds nothing of the neighbour in any list, export, report,
overview or deadline list; the neighbour's user sees the neighbour's data at its address
(``/b/nachbarstadt/...``). Both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from service.actor import SYSTEM
from service.attachments import service as attachments
from service.auth.tokens import issue_token
from service.bodies.models import Body
from service.budget import service as budget
from service.budget.service import insert_line
from service.deadlines.models import Deadline
from service.deadlines.service import read_deadlines
from service.errors import NotFound, RowsRejected
from service.imports.service import ProgrammeUnclear, import_measures, read_import
from service.measures import service as measures
from service.milestones.service import insert_milestone, update_milestone
from service.programmes import service as programmes
from service.reports.service import body_rules, read_sachstand
from service.runtime import Runtime
from service.statements.service import give_statement
from tests import factories
from tests.service.measures.conftest import API, ids, token

NEIGHBOUR = "nachbarstadt"
MARK = "Nachbarstadt"  # in every title of the neighbour, in none of the demo city
bodies = Body.__table__  # type: ignore[attr-defined]
deadlines = Deadline.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Neighbour:
    runtime: Runtime
    programme: int
    person: int
    public: int
    internal: int
    statement: int
    milestone: int
    line: int
    attachment: int
    auth: dict[str, str]


@pytest.fixture
def neighbour(demo: Runtime) -> Neighbour:
    other = demo.for_body(NEIGHBOUR)
    with other.write() as c:
        factories.body(other, c, name="Stadt Nachbarstadt")
        programme = factories.programme(other, c, title=f"{MARK}: Arbeitspapier")
        lead = factories.user(other, "ag_leitung", "kaemmerei", connection=c)
        assert lead.person_id is not None and lead.user_id is not None
        public = factories.measure(
            other,
            c,
            programme_id=programme,
            code="NB-1",
            title=f"{MARK}: Radweg",
            responsible_person_id=lead.person_id,
        )
        internal = factories.measure(
            other, c, programme_id=programme, code="NB-2", title=f"{MARK}: intern", public=False
        )
        statement = factories.statement(other, public, connection=c, text=f"{MARK}: Stellung")
        milestone = insert_milestone(
            other, c, SYSTEM, measure_id=public, title=f"{MARK}: Meilenstein"
        )
        line = insert_line(
            other, c, SYSTEM, measure_id=public, fiscal_year=2026, one_off_planned=Decimal(1)
        )
        attachment = attachments.attach(
            other, c, SYSTEM, "measure", public, filename="nb.txt", content=MARK.encode()
        ).id
        now = other.now()
        c.execute(
            deadlines.insert(),
            {
                "body_id": factories.body(other, c),
                "entity_type": "measure",
                "entity_id": public,
                "name": "wiedervorlage",
                "label": f"{MARK}: Wiedervorlage",
                "due_at": now + timedelta(days=3),
                "open": True,
                "created_at": now,
            },
        )
        secret, _ = issue_token(c, lead.user_id, now)
    return Neighbour(
        other,
        programme,
        lead.person_id,
        public,
        internal,
        statement,
        milestone,
        line,
        attachment,
        {"Authorization": f"Bearer {secret}"},
    )


@pytest.fixture
def app(served_app: FastAPI) -> Iterator[TestClient]:
    """The API on the session's app, serving the test's demo city (a client of its own)."""
    with TestClient(served_app, raise_server_exceptions=False) as client:
        yield client


def test_every_id_of_the_neighbour_is_not_found_for_the_demo_city(
    app: TestClient, neighbour: Neighbour
) -> None:
    lead = token(app, "ag.leitung")
    n = neighbour
    for path in (
        f"/measures/{n.public}",
        f"/measures/{n.internal}",
        f"/measures/{n.public}/history",
        f"/measures/{n.public}/statements",
        f"/measures/{n.public}/milestones",
        f"/measures/{n.public}/budget-lines",
        f"/measures/{n.public}/attachments",
        f"/measures/{n.public}/attachments/{n.attachment}",
        f"/programmes/{n.programme}",
    ):
        assert app.get(API + path, headers=lead).status_code == 404, path
        assert app.get(API + path).status_code in (401, 404), path
    m01 = ids(n.runtime.for_body("aschersleben"))["M-01"]
    own_file = f"{API}/measures/{m01}/attachments/{n.attachment}"
    assert app.get(own_file, headers=lead).status_code == 404
    writes = [
        ("patch", f"/milestones/{n.milestone}", {"title": "x"}, lead),
        ("patch", f"/budget-lines/{n.line}", {"one_off_planned": "2"}, lead),
        ("patch", f"/measures/{n.public}", {"title": "x", "version": 1}, lead),
        ("post", f"/measures/{n.public}/milestones", {"title": "x"}, lead),
        ("post", f"/measures/{n.public}/budget-lines", {"fiscal_year": 2026}, lead),
        (
            "post",
            f"/measures/{n.public}/transitions",
            {"event": "einreichen", "version": 1},
            lead,
        ),
        (
            "post",
            f"/measures/{n.public}/statements",
            {"outcome": "zustimmend", "given_on": "2026-08-01"},
            token(app, "datenschutz"),
        ),
    ]
    for method, path, body, auth in writes:
        answer = app.request(method.upper(), API + path, json=body, headers=auth)
        assert answer.status_code == 404, (path, answer.text)
    upload = app.post(
        f"{API}/measures/{n.public}/attachments",
        files={"file": ("a.txt", b"Text", "text/plain")},
        headers=lead,
    )
    assert upload.status_code == 404, upload.text
    assert app.delete(own_file, headers=lead).status_code == 404


def test_a_new_measure_cannot_name_the_neighbours_programme_or_person(
    app: TestClient, demo: Runtime, neighbour: Neighbour
) -> None:
    lead = token(app, "ag.leitung")
    with demo.read() as c:
        own_programme = measures.get_measure(c, ids(demo)["M-01"]).programme_id
    for given in (
        {"programme_id": neighbour.programme},
        {"programme_id": own_programme, "responsible_person_id": neighbour.person},
    ):
        answer = app.post(
            f"{API}/measures", json={"code": "X-1", "title": "Neu", **given}, headers=lead
        )
        assert answer.status_code == 422, answer.text
        assert "gibt es nicht" in answer.text


def test_lists_export_report_overview_and_deadlines_of_the_demo_city_hold_nothing_of_the_neighbour(
    app: TestClient, demo: Runtime, neighbour: Neighbour
) -> None:
    lead = token(app, "ag.leitung")
    for path in (
        "/measures?limit=200",
        "/measures/export.csv",
        "/programmes?limit=200",
        "/budget-lines?limit=200",
        "/reports/sachstand?period=2026-H2&format=json",
        "/reports/sachstand?period=2026-H1&format=html",
    ):
        answer = app.get(API + path, headers=lead)
        assert answer.status_code == 200, (path, answer.text)
        assert MARK not in answer.text and "NB-" not in answer.text, path
        assert "M-01" in answer.text or "programmes" in path, path
    report = read_sachstand(demo, SYSTEM, "2026-H1")
    assert report.body == "Stadt Aschersleben"
    actor = factories.user(demo, "ag_leitung")
    overview = measures.read_overview(demo, actor, measures.OverviewFilters())
    codes = {r.code for r in overview.rows} | {r.code for b in overview.board.values() for r in b}
    assert codes and not any(code.startswith("NB-") for code in codes)
    assert sum(overview.counts.values()) == len(ids(demo)) - 2  # the neighbour's two
    assert all(MARK not in title for _, title in overview.programmes)
    assert neighbour.person not in dict(overview.people)
    due = read_deadlines(demo, actor, person_id=None, programme_id=None, overdue_only=False)
    assert due.measures and all(MARK not in d.row.label for d in due.measures)
    with demo.read() as c:
        assert all(MARK not in t for _, t in measures.programme_choices(c, demo.body_id))
        assert neighbour.person not in dict(measures.responsible_choices(c, demo.body_id))


def test_the_neighbours_user_sees_the_neighbours_data_at_its_address(
    app: TestClient, neighbour: Neighbour
) -> None:
    n = neighbour
    api = f"/b/{NEIGHBOUR}{API}"
    assert app.get(f"{API}/measures", headers=n.auth).status_code == 401
    listed = app.get(f"{api}/measures?limit=200", headers=n.auth)
    assert listed.status_code == 200, listed.text
    assert {m["code"] for m in listed.json()["items"]} == {"NB-1", "NB-2"}
    for path in (
        f"/measures/{n.internal}",
        f"/measures/{n.public}/statements",
        f"/measures/{n.public}/milestones",
        f"/measures/{n.public}/budget-lines",
        f"/programmes/{n.programme}",
    ):
        assert app.get(api + path, headers=n.auth).status_code == 200, path
    download = app.get(f"{api}/measures/{n.public}/attachments/{n.attachment}", headers=n.auth)
    assert download.status_code == 200 and download.content == MARK.encode()
    edited = app.patch(
        f"{api}/milestones/{n.milestone}", json={"title": "Erledigt"}, headers=n.auth
    )
    assert edited.status_code == 200, edited.text
    report = app.get(f"{api}/reports/sachstand?period=2026-H2&format=json", headers=n.auth)
    assert report.status_code == 200, report.text
    assert report.json()["body"] == "Stadt Nachbarstadt"
    assert "NB-1" in report.text and "M-01" not in report.text
    exported = app.get(f"{api}/measures/export.csv", headers=n.auth)
    assert "NB-2" in exported.text and "M-01" not in exported.text
    actor = factories.user(n.runtime, "ag_leitung")
    due = read_deadlines(n.runtime, actor, person_id=None, programme_id=None, overdue_only=False)
    assert [d.row.label for d in due.measures] == [f"{MARK}: Wiedervorlage"]
    assert due.papers == []


def test_the_report_takes_the_bodys_own_thresholds(demo: Runtime, neighbour: Neighbour) -> None:
    other = neighbour.runtime
    with demo.write() as c:
        c.execute(
            update(bodies)
            .where(bodies.c.slug == NEIGHBOUR)
            .values(settings={"lag_points": 40, "red_states": ["gestoppt"]})
        )
    other.forget_body()
    rules = body_rules(other)
    assert rules.lag_points == 40 and rules.red_states == frozenset({"gestoppt"})
    assert body_rules(demo).lag_points == 15  # the deployment's default


def test_an_import_names_only_the_bodys_programmes_and_persons(
    demo: Runtime, neighbour: Neighbour
) -> None:
    own = "Kennung;Titel;Verantwortlich\nM-01;Gleiche Kennung wie in der Demo;{who}\n"
    with demo.write() as c, pytest.raises(ProgrammeUnclear):
        import_measures(
            demo,
            c,
            SYSTEM,
            source=read_import("a.csv", own.format(who="").encode()),
            programme=str(neighbour.programme),
        )
    other = neighbour.runtime
    with other.write() as c:
        report = import_measures(
            other, c, SYSTEM, source=read_import("b.csv", own.format(who="").encode())
        )
    assert report.programme_id == neighbour.programme
    with other.read() as c:
        codes = {m.code for m in measures.list_measures(c, other.body_id)}
    assert codes == {"NB-1", "NB-2", "M-01"}
    with other.read() as c, pytest.raises(Exception, match=r"ag\.leitung"):
        import_measures(
            other,
            c,
            SYSTEM,
            source=read_import(
                "c.csv", own.replace("M-01", "NB-9").format(who="ag.leitung").encode()
            ),
            dry_run=True,
        )


def test_the_services_find_no_id_of_the_neighbour(demo: Runtime, neighbour: Neighbour) -> None:
    actor = factories.user(demo, "ag_leitung", "kaemmerei")
    n = neighbour
    with pytest.raises(NotFound):
        measures.read_measure(demo, actor, n.public)
    with pytest.raises(NotFound):
        budget.read_line(demo, actor, n.line)
    with pytest.raises(NotFound):
        attachments.read_attachment(demo, actor, "measure", n.public, n.attachment)
    with pytest.raises(NotFound):
        programmes.read_programme(demo, actor, n.programme)
    for write in (
        lambda c: measures.update_measure(demo, c, actor, n.public, {"title": "x"}, version=None),
        lambda c: update_milestone(demo, c, actor, n.milestone, {"title": "x"}),
        lambda c: budget.update_line(demo, c, actor, n.line, {"approved": Decimal(1)}),
        lambda c: programmes.update(demo, c, actor, n.programme, {"title": "x"}, version=None),
        lambda c: give_statement(
            demo,
            c,
            factories.user(demo, "datenschutz", connection=c),
            n.public,
            kind=None,
            outcome="zustimmend",
            given_on=date(2026, 8, 1),
            text=None,
        ),
    ):
        with demo.write() as c, pytest.raises(NotFound):
            write(c)


def test_the_kaemmerei_books_spent_amounts_on_its_own_bodys_lines_only(
    demo: Runtime, neighbour: Neighbour
) -> None:
    csv = "Maßnahme;Haushaltsjahr;Verausgabt\nNB-1;2026;5,00\n".encode()
    kaemmerei = factories.user(demo, "kaemmerei")
    with demo.write() as c, pytest.raises(RowsRejected, match="NB-1"):
        budget.import_spent(demo, c, kaemmerei, csv)
    other = neighbour.runtime
    booker = factories.user(other, "kaemmerei")
    with other.write() as c:
        assert budget.import_spent(other, c, booker, csv) == (1, 1, 0)


def test_an_attachment_of_the_neighbours_paper_is_not_found(
    demo: Runtime, neighbour: Neighbour
) -> None:
    other = neighbour.runtime
    with other.write() as c:
        paper = factories.paper(other, c, title=f"{MARK}: Vorlage")
        attached = attachments.attach(
            other, c, SYSTEM, "paper", paper, filename="v.txt", content=b"Vorlage"
        )
    actor = factories.user(demo, "sitzungsdienst")
    for read in (
        lambda: attachments.list_attachments(demo, actor, "paper", paper),
        lambda: attachments.read_attachment(demo, actor, "paper", paper, attached.id),
    ):
        with pytest.raises(NotFound):
            read()
    assert attachments.read_attachment(other, SYSTEM, "paper", paper, attached.id).content
