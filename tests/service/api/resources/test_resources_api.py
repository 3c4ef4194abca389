"""Behaviour of the measure-side resources on the demo city, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service import access
from service.actor import SYSTEM, Actor
from service.audit.models import AuditEvent
from service.audit.verify import verify_chain
from service.budget.models import BudgetLine
from service.budget.service import insert_line
from service.runtime import Runtime
from tests.service.api.test_measures_api import (
    API,
    EVIL,
    assert_problem,
    login,
    measure_ids,
    snapshot,
)

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
budget_lines = BudgetLine.__table__  # type: ignore[attr-defined]


def _walk(client: TestClient, headers: dict[str, str], **params: Any) -> list[str]:
    codes: list[str] = []
    cursor = None
    for _ in range(20):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{API}/measures", params=query, headers=headers)
        assert page.status_code == 200, page.text
        codes += [m["code"] for m in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return codes
    raise AssertionError("Blättern endet nicht")


def _actions(runtime: Runtime) -> list[str]:
    with runtime.read() as c:
        return list(c.execute(select(audit_events.c.action).order_by(audit_events.c.id)).scalars())


def test_a_non_public_measure_is_created_and_edited_and_only_reads_are_logged(
    client: TestClient, demo: Runtime
) -> None:
    # Regression: the answer to a write once logged a "read" from a second transaction that
    # waited for the chain lock the write still held (PostgreSQL hung, SQLite timed out).
    lead = login(client, "ag.leitung")
    programme = client.get(f"{API}/programmes").json()["items"][0]
    body = {"programme_id": programme["id"], "code": "M-11", "title": "Intern", "public": False}
    created = client.post(f"{API}/measures", json=body, headers=lead)
    assert created.status_code == 201, created.text
    url = f"{API}/measures/{created.json()['id']}"
    edited = client.patch(url, json={"version": 1, "title": "Intern (neu)"}, headers=lead)
    assert edited.status_code == 200, edited.text
    assert _actions(demo)[-2:] == ["measure.create", "measure.update"]
    assert client.get(url, headers=lead).status_code == 200
    assert _actions(demo)[-1] == "measure.read"


def test_create_edit_and_a_stale_edit_is_refused(client: TestClient, demo: Runtime) -> None:
    lead = login(client, "ag.leitung")
    programme = client.get(f"{API}/programmes").json()["items"][0]
    created = client.post(
        f"{API}/measures",
        json={
            "programme_id": programme["id"],
            "code": "M-10",
            "title": "Digitale Bauakte",
            "fields": {"personenbezogen": True, "nutzen": "Weniger Wege."},
        },
        headers=lead,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["state"], body["version"], body["public"]) == ("entwurf", 1, True)
    assert created.headers["location"] == f"{API}/measures/{body['id']}"
    assert body["responsible_person_name"] == "Thomas Behrendt"
    assert _actions(demo)[-1] == "measure.create"
    url = f"{API}/measures/{body['id']}"

    change = {"title": "Digitale Bauakte (Pilot)", "fields": {"kosten_einmalig": "12.500,00"}}
    edited = client.patch(url, json={"version": 1, **change}, headers=lead)
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2
    assert edited.headers["etag"] == '"2"'
    assert edited.json()["fields"]["kosten_einmalig"] == "12500.00"
    assert edited.json()["fields"]["nutzen"] == "Weniger Wege."
    assert _actions(demo)[-1] == "measure.update"

    before = snapshot(demo)
    stale = client.patch(url, json={"version": 1, "title": "Überschrieben"}, headers=lead)
    assert_problem(stale, 409, "veraltete-version")
    tagged = client.patch(url, json={"title": "Überschrieben"}, headers={**lead, "If-Match": '"1"'})
    assert_problem(tagged, 409, "veraltete-version")
    no_version = client.patch(url, json={"title": "Überschrieben"}, headers=lead)
    assert assert_problem(no_version, 422)["fields"][0]["field"] == "version"
    by_transition = client.patch(
        url, json={"version": 2, "fields": {"fortschritt": 50}}, headers=lead
    )
    assert assert_problem(by_transition, 422)["fields"][0]["field"] == "fields.fortschritt"
    code_taken = client.patch(url, json={"version": 2, "code": "M-01"}, headers=lead)
    assert assert_problem(code_taken, 422)["fields"][0]["field"] == "code"
    member = client.patch(
        url, json={"version": 2, "title": "x"}, headers=login(client, "ag.mitglied")
    )
    assert_problem(member, 403, "rolle-fehlt")
    assert snapshot(demo) == before
    assert client.get(url, headers=lead).json()["title"] == "Digitale Bauakte (Pilot)"

    # A measure in an end state is a record: it no longer changes.
    closed = measure_ids(demo)["M-03"]
    done = client.get(f"{API}/measures/{closed}", headers=lead).json()
    refused = client.patch(
        f"{API}/measures/{closed}", json={"version": done["version"], "title": "x"}, headers=lead
    )
    assert_problem(refused, 409, "endzustand")
    with demo.read() as c:
        assert verify_chain(c, demo.chain_key).intact


def test_an_ag_member_drafts_and_reports_only_on_own_measures(
    client: TestClient, demo: Runtime
) -> None:
    ids = measure_ids(demo)
    member = login(client, "ag.mitglied")
    draft = client.post(
        f"{API}/measures", json={"programme_id": 1, "code": "M-11", "title": "Chat"}, headers=member
    )
    assert draft.status_code == 201, draft.text
    assert draft.json()["responsible_person_name"] == "Julia Neumann"
    own = client.get(f"{API}/measures/{ids['M-04']}", headers=member).json()
    foreign = client.get(f"{API}/measures/{ids['M-05']}", headers=member).json()
    assert [t["event"] for t in own["allowed_transitions"]] == ["fortschritt_melden"]
    assert foreign["allowed_transitions"] == []
    body = {
        "event": "fortschritt_melden",
        "version": foreign["version"],
        "data": {"fortschritt": 70},
    }
    refused = client.post(f"{API}/measures/{ids['M-05']}/transitions", json=body, headers=member)
    assert "verantwortlich" in assert_problem(refused, 403, "rolle-fehlt")["detail"]


def test_a_deputy_acts_for_the_person_they_stand_in_for() -> None:
    measure = type("M", (), {"responsible_person_id": 7, "public": False})()
    member = Actor(user_id=2, person_id=3, roles=frozenset({"ag_mitglied"}))
    deputy = Actor(
        user_id=2, person_id=3, roles=frozenset({"ag_mitglied"}), acts_for=frozenset({7})
    )
    assert not access.may_edit_measure(member, measure)
    assert access.transition_roles(member, measure) == frozenset()
    assert access.may_edit_measure(deputy, measure)
    assert access.transition_roles(deputy, measure) == frozenset({"ag_mitglied"})
    assert not access.may_see(None, measure)


def test_filters_overdue_and_needs_statement_find_the_right_demo_measures(
    client: TestClient, demo: Runtime
) -> None:
    staff = login(client, "revision")
    # M-07 waits in Haushaltsplanung since 01.09.2025 with a three-month deadline.
    assert _walk(client, staff, overdue=True) == ["M-07"]
    assert "M-07" not in _walk(client, staff, overdue=False)
    assert len(_walk(client, staff, overdue=False)) == 8
    # M-09 touches personal data and has no DSB statement yet.
    assert _walk(client, staff, needs_statement=True) == ["M-09"]
    assert _walk(client, {}, needs_statement=True) == ["M-09"]
    m09 = measure_ids(demo)["M-09"]
    dsb = login(client, "datenschutz")
    given = client.post(
        f"{API}/measures/{m09}/statements",
        json={"outcome": "mit_auflagen", "given_on": "2026-08-31", "text": EVIL},
        headers=dsb,
    )
    assert given.status_code == 201, given.text
    assert (given.json()["kind"], given.json()["text"]) == ("datenschutz", EVIL)
    assert _walk(client, staff, needs_statement=True) == []
    detail = client.get(f"{API}/measures/{m09}").json()
    assert [(s["kind"], s["author"], s["text"]) for s in detail["statements"]] == [
        ("datenschutz", None, EVIL)
    ]
    named = client.get(f"{API}/measures/{m09}/statements", headers=staff).json()
    assert named[0]["author"] == "Petra Vogel"
    wrong_kind = client.post(
        f"{API}/measures/{m09}/statements",
        json={"kind": "personalrat", "outcome": "zustimmend", "given_on": "2026-08-31"},
        headers=dsb,
    )
    assert_problem(wrong_kind, 403, "rolle-fehlt")


def test_sorting_pages_by_the_sort_key(client: TestClient, demo: Runtime) -> None:
    staff = login(client, "ag.leitung")
    assert _walk(client, staff, sort="-code", limit=4) == [f"M-0{i}" for i in range(9, 0, -1)]
    by_state = _walk(client, staff, sort="state", limit=2)
    assert by_state == _walk(client, staff, sort="state", limit=200)
    assert len(by_state) == len(set(by_state)) == 9
    newest = _walk(client, staff, sort="-updated_at", limit=3)
    assert newest[0] == "M-09" and len(newest) == 9
    # A cursor of one sort order names no page of another.
    first = client.get(f"{API}/measures", params={"sort": "code", "limit": 1}, headers=staff)
    other = client.get(
        f"{API}/measures",
        params={"sort": "title", "cursor": first.json()["next_cursor"]},
        headers=staff,
    )
    assert_problem(other, 422, "angaben-fehlen")


def test_csv_export_opens_with_german_headers(client: TestClient, demo: Runtime) -> None:
    staff = login(client, "ag.leitung")
    response = client.get(f"{API}/measures/export.csv", params={"sort": "code"}, headers=staff)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r["Kennung"] for r in rows] == [f"M-0{i}" for i in range(1, 10)]
    m01 = rows[0]
    assert m01["Titel"] == "Einführung der E-Akte"
    assert m01["Zustand"] == "Umsetzung"
    assert m01["Verantwortlich"] == "Thomas Behrendt"
    assert m01["Einmalige Kosten (EUR)"] == "185000,00"
    assert m01["Zieldatum"] == "31.12.2026"
    assert m01["Öffentlich"] == "ja"

    public = client.get(f"{API}/measures/export.csv", params={"state": "umsetzung"})
    reader = csv.DictReader(io.StringIO(public.content.decode("utf-8-sig")), delimiter=";")
    public_rows = list(reader)
    assert "Verantwortlich" not in (reader.fieldnames or [])
    assert [r["Kennung"] for r in public_rows] == ["M-01", "M-02", "M-04", "M-05", "M-08"]


def _spent(runtime: Runtime) -> dict[int, Decimal | None]:
    with runtime.read() as c:
        return {r.id: r.spent for r in c.execute(select(budget_lines))}


def test_budget_import_with_one_bad_row_among_50_changes_nothing(
    client: TestClient, demo: Runtime
) -> None:
    m01 = measure_ids(demo)["M-01"]
    with demo.write() as c:
        for year in range(2030, 2080):
            insert_line(demo, c, SYSTEM, measure_id=m01, fiscal_year=year, approved=1000)
    lines = ["Maßnahme;Haushaltsjahr;Verausgabt"]
    lines += [f"M-01;{year};{year - 2000},50" for year in range(2030, 2080)]
    bad = lines.copy()
    bad[27] = "M-01;2056;zwölf Euro"  # line 28 of the file, the header being line 1
    kaemmerei = login(client, "kaemmerei")
    before_spent, before = _spent(demo), snapshot(demo)

    def upload(text: str) -> Any:
        files = {"file": ("ausgaben.csv", io.BytesIO(text.encode()), "text/csv")}
        return client.post(f"{API}/budget-lines/import", files=files, headers=kaemmerei)

    problem = assert_problem(upload("\n".join(bad)), 422, "import-fehlerhaft")
    assert [(r["row"], r["field"]) for r in problem["rows"]] == [(28, "Verausgabt")]
    assert "Zeile 28" in problem["detail"]
    assert _spent(demo) == before_spent
    assert snapshot(demo) == before

    unknown = "Maßnahme;Haushaltsjahr;Verausgabt\nM-77;2030;1\nM-01;1999;1\n"
    rows = assert_problem(upload(unknown), 422, "import-fehlerhaft")["rows"]
    assert [(r["row"], r["field"]) for r in rows] == [(2, "Maßnahme"), (3, "Haushaltsjahr")]
    assert_problem(upload("Code;Betrag\nM-01;1\n"), 422, "import-fehlerhaft")

    done = upload("\n".join(lines))
    assert done.status_code == 200, done.text
    assert done.json() == {"rows": 50, "updated": 50, "unchanged": 0}
    after = _spent(demo)
    assert sorted(v for k, v in after.items() if before_spent.get(k) != v) == [
        Decimal(f"{year - 2000}.50") for year in range(2030, 2080)
    ]
    with demo.read() as c:
        count = select(func.count()).where(audit_events.c.action == "budget_line.update")
        assert c.execute(count).scalar_one() == 50
        assert verify_chain(c, demo.chain_key).intact


def test_script_and_sql_looking_text_in_new_records_is_kept_verbatim(
    client: TestClient, demo: Runtime
) -> None:
    lead = login(client, "ag.leitung")
    created = client.post(
        f"{API}/measures",
        json={
            "programme_id": 1,
            "code": "M-12",
            "title": EVIL,
            "description": EVIL,
            "fields": {"nutzen": EVIL},
        },
        headers=lead,
    )
    assert created.status_code == 201, created.text
    url = f"{API}/measures/{created.json()['id']}"
    for headers in (lead, {}):
        body = client.get(url, headers=headers).json()
        assert (body["title"], body["description"], body["fields"]["nutzen"]) == (EVIL, EVIL, EVIL)
    programme = client.post(f"{API}/programmes", json={"title": EVIL}, headers=lead)
    assert programme.status_code == 201, programme.text
    assert client.get(f"{API}/programmes/{programme.json()['id']}").json()["title"] == EVIL
    milestone = client.post(f"{url}/milestones", json={"title": EVIL}, headers=lead)
    assert milestone.json()["title"] == EVIL
    exported = client.get(f"{API}/measures/export.csv", headers=lead).content.decode("utf-8-sig")
    assert EVIL in exported
    assert len(client.get(f"{API}/measures", headers=lead).json()["items"]) == 10


def test_programmes_are_edited_with_their_version(client: TestClient, demo: Runtime) -> None:
    lead = login(client, "ag.leitung")
    read = client.get(f"{API}/programmes/1")
    assert read.json()["owner_name"] is None  # no staff names for the public
    version = read.json()["version"]
    assert read.headers["etag"] == f'"{version}"'
    edited = client.patch(
        f"{API}/programmes/1", json={"version": version, "review_cycle": "P3M"}, headers=lead
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["review_cycle"] == "P3M"
    assert edited.json()["owner_name"] == "Thomas Behrendt"
    assert edited.json()["version"] != version
    before = snapshot(demo)
    stale = client.patch(
        f"{API}/programmes/1", json={"version": version, "title": "Alt"}, headers=lead
    )
    assert_problem(stale, 409, "veraltete-version")
    bad_cycle = client.patch(
        f"{API}/programmes/1",
        json={"review_cycle": "halbjährlich"},
        headers={**lead, "If-Match": "*"},
    )
    assert assert_problem(bad_cycle, 422)["fields"][0]["field"] == "review_cycle"
    assert snapshot(demo) == before
