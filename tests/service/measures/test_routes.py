"""The measures API on the demo city, on SQLite and on PostgreSQL.

Each test gets its own copy of a database holding the demo (Stadt Aschersleben, paper
VII/0680/24, measures M-01..M-09; see ``tests/conftest.py``) and talks to the app through
``TestClient``; the clock stands at 01.09.2026, 10:00. Every error must be RFC 9457
``application/problem+json`` with a German ``detail``, and a request that fails must leave
the measures and the audit trail exactly as they were.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.audit.models import AuditEvent
from service.audit.verify import verify_chain
from service.runtime import Runtime
from tests.conftest import DEMO_NOW
from tests.service.api_calls import API, assert_problem, fire, login, measure_ids, snapshot
from workflow.calendar import to_local

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
EVIL = "'); DROP TABLE measures;--<script>alert(1)</script>"

# --- helpers -------------------------------------------------------------------------------


def _cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def flat(pages: list[list[str]]) -> list[str]:
    return [code for page in pages for code in page]


# --- reading -------------------------------------------------------------------------------


def test_the_public_sees_public_measures_only_and_no_staff_names(
    client: TestClient, demo: Runtime
) -> None:
    ids = measure_ids(demo)
    public = client.get(f"{API}/measures").json()
    codes = [m["code"] for m in public["items"]]
    assert codes == ["M-01", "M-02", "M-03", "M-04", "M-05", "M-07", "M-08", "M-09"]
    assert public["next_cursor"] is None

    hidden = assert_problem(client.get(f"{API}/measures/{ids['M-06']}"), 404, "nicht-gefunden")
    unknown = assert_problem(client.get(f"{API}/measures/999999"), 404, "nicht-gefunden")
    # A hidden measure and one that does not exist look alike from outside.
    assert hidden.keys() == unknown.keys()
    assert hidden["title"] == unknown["title"]
    assert_problem(client.get(f"{API}/measures/{ids['M-06']}/history"), 404, "nicht-gefunden")

    detail = client.get(f"{API}/measures/{ids['M-01']}")
    assert detail.status_code == 200
    assert detail.json()["allowed_transitions"] == []
    steps = client.get(f"{API}/measures/{ids['M-01']}/history").json()
    assert [s["event"] for s in steps[:4]] == [
        "einreichen",
        "an_fva_uebergeben",
        "fva_empfehlen",
        "beschliessen",
    ]
    assert {s["actor"] for s in steps} == {None}
    assert all(s["role"] for s in steps)

    staff = login(client, "revision")
    everything = client.get(f"{API}/measures", headers=staff).json()
    assert [m["code"] for m in everything["items"]] == [f"M-0{i}" for i in range(1, 10)]
    assert client.get(f"{API}/measures/{ids['M-06']}", headers=staff).status_code == 200
    named = client.get(f"{API}/measures/{ids['M-01']}/history", headers=staff).json()
    assert [s["actor"] for s in named[:4]] == [
        "ag.leitung",
        "ag.leitung",
        "sitzungsdienst",
        "sitzungsdienst",
    ]


def test_keyset_pagination_walks_every_measure_exactly_once(
    client: TestClient, demo: Runtime
) -> None:
    def walk(headers: dict[str, str], **params: Any) -> list[list[str]]:
        pages: list[list[str]] = []
        cursor: str | None = None
        while True:
            query = {**params, "limit": 3, **({"cursor": cursor} if cursor else {})}
            response = client.get(f"{API}/measures", params=query, headers=headers)
            assert response.status_code == 200, response.text
            page = response.json()
            pages.append([m["code"] for m in page["items"]])
            cursor = page["next_cursor"]
            if cursor is None:
                return pages
            assert len(pages) < 10, "Blättern endet nicht"

    assert walk({}) == [["M-01", "M-02", "M-03"], ["M-04", "M-05", "M-07"], ["M-08", "M-09"]]
    staff = login(client, "ag.leitung")
    assert walk(staff) == [
        ["M-01", "M-02", "M-03"],
        ["M-04", "M-05", "M-06"],
        ["M-07", "M-08", "M-09"],
    ]
    # Filters combine with paging: the demo has six measures in Umsetzung, M-06 among them.
    assert walk({}, state="umsetzung") == [["M-01", "M-02", "M-04"], ["M-05", "M-08"]]
    assert walk(staff, state="umsetzung") == [["M-01", "M-02", "M-04"], ["M-05", "M-06", "M-08"]]

    first = client.get(f"{API}/measures", params={"limit": 1}).json()["items"][0]
    by_programme = walk({}, programme_id=first["programme_id"])
    assert flat(by_programme) == [f"M-0{i}" for i in (1, 2, 3, 4, 5, 7, 8, 9)]
    assert walk({}, programme_id=first["programme_id"] + 1000) == [[]]
    detail = client.get(f"{API}/measures/{first['id']}").json()
    mine = walk({}, responsible_person_id=detail["responsible_person_id"])
    assert "M-01" in flat(mine)
    assert "M-02" not in flat(mine)

    # Bad paging input is a problem, never a server error: not even numbers beyond what an
    # id column holds, or a NUL byte (which PostgreSQL cannot store in text).
    for params, name in (
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"programme_id": 2**31}, "programme_id"),
        ({"responsible_person_id": 2**63}, "responsible_person_id"),
    ):
        problem = assert_problem(client.get(f"{API}/measures", params=params), 422)
        assert [f["field"] for f in problem["fields"]] == [name]
    garbage = ["kein-cursor", "e30=", "WzFd"]  # not base64 JSON, "{}", "[1]"
    garbage += [_cursor({"after": 2**63}), _cursor({"after": -1}), _cursor({"after": "1e400"})]
    for bad in garbage:
        problem = assert_problem(client.get(f"{API}/measures", params={"cursor": bad}), 422)
        assert [f["field"] for f in problem["fields"]] == ["cursor"]
    for path in (f"{API}/measures/{2**63}", f"{API}/measures/{2**31}/history"):
        problem = assert_problem(client.get(path), 422, "eingabe-ungueltig")
        assert [f["field"] for f in problem["fields"]] == ["measure_id"]
    for headers in ({}, staff):
        response = client.get(f"{API}/measures", params={"state": "a\x00b"}, headers=headers)
        assert response.status_code != 500
        if response.status_code == 200:
            assert response.json()["items"] == []
        else:  # PostgreSQL cannot hold a NUL in text, so no measure can match it
            assert_problem(response, 422, "nicht-speicherbar")


# --- transitions ---------------------------------------------------------------------------


def test_detail_and_a_successful_transition(client: TestClient, demo: Runtime) -> None:
    ids = measure_ids(demo)
    m09 = ids["M-09"]
    lead = login(client, "ag.leitung")

    detail = client.get(f"{API}/measures/{m09}", headers=lead)
    assert detail.status_code == 200
    assert detail.headers["etag"] == '"1"'
    body = detail.json()
    assert (body["code"], body["state"], body["version"]) == ("M-09", "entwurf", 1)
    assert body["fields"]["personenbezogen"] is True
    offered = {t["event"]: t for t in body["allowed_transitions"]}
    assert set(offered) == {"einreichen", "zurueckziehen"}
    assert offered["einreichen"]["blocked_by"] == []
    assert offered["zurueckziehen"]["comment_required"] is True

    done = fire(client, lead, m09, "einreichen", 1, comment="Bitte prüfen.")
    assert done.status_code == 200, done.text
    answer = done.json()
    assert answer["from_state"] == "entwurf"
    assert answer["to_state"] == "ag_pruefung"
    assert answer["version"] == 2
    deadline = answer["deadline"]
    assert deadline["name"] == "ag_pruefung"
    due = datetime.fromisoformat(deadline["due_at"])
    assert due == DEMO_NOW + timedelta(weeks=6)
    assert to_local(due).date() == date(2026, 10, 13)

    # Now the measure waits in the AG: the step to the committee says why it cannot go yet.
    detail = client.get(f"{API}/measures/{m09}", headers=lead)
    assert detail.headers["etag"] == '"2"'
    body = detail.json()
    assert (body["state"], body["version"]) == ("ag_pruefung", 2)
    offered = {t["event"]: t for t in body["allowed_transitions"]}
    assert set(offered) == {
        "zur_ueberarbeitung",
        "an_fva_uebergeben",
        "zurueckstellen",
        "zurueckziehen",
    }
    blocked_by = offered["an_fva_uebergeben"]["blocked_by"]
    assert len(blocked_by) == 2
    assert "Aufwand-Nutzen-Analyse" in blocked_by[0]
    assert "einmalige Kosten" in blocked_by[0]
    assert "Datenschutzbeauftragten" in blocked_by[1]
    assert "kosten_einmalig" in offered["an_fva_uebergeben"]["missing_fields"]
    # A guard over data still to be entered is not judged in advance.
    assert offered["zurueckstellen"]["blocked_by"] == []
    assert offered["zurueckstellen"]["requires"] == ["wiedervorlage_am"]
    # What the caller may do depends on the caller's roles.
    member = client.get(f"{API}/measures/{m09}", headers=login(client, "ag.mitglied"))
    assert member.json()["allowed_transitions"] == []

    steps = client.get(f"{API}/measures/{m09}/history", headers=lead).json()
    assert len(steps) == 1
    step = steps[0]
    assert (step["event"], step["from_state"], step["to_state"]) == (
        "einreichen",
        "entwurf",
        "ag_pruefung",
    )
    assert (step["actor"], step["role"], step["comment"]) == (
        "ag.leitung",
        "ag_leitung",
        "Bitte prüfen.",
    )
    assert datetime.fromisoformat(step["at"]) == DEMO_NOW


@dataclass
class Bad:
    """One bad request and the problem it must be answered with."""

    name: str
    user: str | None
    code: str | int  # a demo measure's code, or an id
    body: dict[str, Any] | str
    status: int
    kind: str
    headers: dict[str, str] = field(default_factory=dict)


def test_bad_requests_are_typed_problems_and_change_nothing(
    client: TestClient, demo: Runtime
) -> None:
    ids = measure_ids(demo)
    auth = {u: login(client, u) for u in ("ag.leitung", "ag.mitglied", "kaemmerei")}
    assert fire(client, auth["ag.leitung"], ids["M-09"], "einreichen", 1).status_code == 200
    m07 = client.get(f"{API}/measures/{ids['M-07']}", headers=auth["kaemmerei"]).json()
    assert m07["state"] == "haushaltsplanung"
    v07 = m07["version"]
    v01 = client.get(f"{API}/measures/{ids['M-01']}", headers=auth["ag.leitung"]).json()["version"]

    cases = [
        Bad("illegal", "ag.leitung", "M-09", {"event": "abschliessen", "version": 2}, 409,
            "ungueltiger-uebergang"),
        Bad("unknown", "ag.leitung", "M-09", {"event": "fliegen", "version": 2}, 409,
            "ungueltiger-uebergang"),
        Bad("stale", "ag.leitung", "M-09", {"event": "zurueckziehen", "version": 1,
            "comment": "weg"}, 409, "veraltete-version"),
        Bad("stale-if-match", "ag.leitung", "M-09", {"event": "zurueckziehen", "version": 2,
            "comment": "weg"}, 409, "veraltete-version", {"If-Match": '"1"'}),
        Bad("guard", "ag.leitung", "M-09", {"event": "an_fva_uebergeben", "version": 2}, 422,
            "voraussetzung-fehlt"),
        Bad("missing-data", "kaemmerei", "M-07", {"event": "finanzieren", "version": v07}, 422,
            "angaben-fehlen"),
        Bad("missing-comment", "ag.leitung", "M-09", {"event": "zur_ueberarbeitung",
            "version": 2, "comment": "   "}, 422, "angaben-fehlen"),
        Bad("invalid-data", "kaemmerei", "M-07", {"event": "finanzieren", "version": v07,
            "data": {"haushaltsjahr": "zwanzig", "betrag_einmalig": "1", "betrag_laufend": "1"}},
            422, "angaben-fehlen"),
        Bad("foreign-field", "kaemmerei", "M-07", {"event": "finanzieren", "version": v07,
            "data": {"haushaltsjahr": 2026, "betrag_einmalig": "1", "betrag_laufend": "1",
                     "abschlussvermerk": "fertig"}}, 422, "angaben-fehlen"),
        Bad("wrong-role", "ag.mitglied", "M-07", {"event": "finanzieren", "version": v07,
            "data": {"haushaltsjahr": 2026, "betrag_einmalig": "1", "betrag_laufend": "1"}},
            403, "rolle-fehlt"),
        Bad("invalid-json", "ag.leitung", "M-09", '{"event": "einreichen", "version": ', 422,
            "eingabe-ungueltig"),
        Bad("no-version", "ag.leitung", "M-09", {"event": "zurueckziehen", "comment": "x"}, 422,
            "eingabe-ungueltig"),
        Bad("version-not-a-number", "ag.leitung", "M-09", {"event": "zurueckziehen",
            "version": "zwei", "comment": "x"}, 422, "eingabe-ungueltig"),
        Bad("data-not-an-object", "ag.leitung", "M-09", {"event": "zurueckziehen",
            "version": 2, "comment": "x", "data": [1]}, 422, "eingabe-ungueltig"),
        Bad("no-token", None, "M-09", {"event": "zurueckziehen", "version": 2, "comment": "x"},
            401, "nicht-angemeldet"),
        Bad("unknown-id", "ag.leitung", 999999, {"event": "einreichen", "version": 1}, 404,
            "nicht-gefunden"),
        Bad("id-out-of-range", "ag.leitung", 2**63, {"event": "einreichen", "version": 1}, 422,
            "eingabe-ungueltig"),
        Bad("if-match-garbage", "ag.leitung", "M-09", {"event": "zurueckziehen", "version": 2,
            "comment": "x"}, 422, "eingabe-ungueltig", {"If-Match": "zwei"}),
        Bad("if-match-list", "ag.leitung", "M-09", {"event": "zurueckziehen", "version": 2,
            "comment": "x"}, 422, "eingabe-ungueltig", {"If-Match": '"2", "3"'}),
        Bad("nul-comment", "ag.leitung", "M-09", {"event": "zurueckziehen", "version": 2,
            "comment": "a\x00b"}, 422, "nicht-speicherbar"),
        Bad("nul-data", "ag.leitung", "M-01", {"event": "fortschritt_melden", "version": v01,
            "data": {"fortschritt": 50, "verzoegerungsgrund": "a\x00b"}}, 422,
            "nicht-speicherbar"),
    ]  # fmt: skip

    before = snapshot(demo)
    for case in cases:
        measure_id = ids[case.code] if isinstance(case.code, str) else case.code
        headers = {**(auth[case.user] if case.user else {}), **case.headers}
        url = f"{API}/measures/{measure_id}/transitions"
        if isinstance(case.body, str):
            headers["Content-Type"] = "application/json"
            response = client.post(url, content=case.body, headers=headers)
        else:
            response = client.post(url, json=case.body, headers=headers)
        problem = assert_problem(response, case.status, case.kind)
        assert snapshot(demo) == before, case.name

        if case.name in ("illegal", "unknown"):
            assert [a["event"] for a in problem["allowed"]] == [
                "zur_ueberarbeitung",
                "an_fva_uebergeben",
                "zurueckstellen",
                "zurueckziehen",
            ], case.name
            assert all(a["label"] for a in problem["allowed"])
        if case.name == "guard":
            assert [f["guard"] for f in problem["failures"]] == [
                "aufwand_nutzen_analyse_vollstaendig",
                "dsb_stellungnahme_bei_personenbezug",
            ]
            assert "Datenschutzbeauftragten" in problem["detail"]
        if case.name == "missing-data":
            assert [f["field"] for f in problem["fields"]] == [
                "haushaltsjahr",
                "betrag_einmalig",
                "betrag_laufend",
            ]
            assert "Haushaltsjahr" in problem["detail"]
        if case.name == "missing-comment":
            assert [f["label"] for f in problem["fields"]] == ["Kommentar"]
        if case.name == "invalid-data":
            assert [f["field"] for f in problem["fields"]] == ["haushaltsjahr"]
        if case.name == "foreign-field":
            assert [f["field"] for f in problem["fields"]] == ["abschlussvermerk"]
        if case.name == "wrong-role":
            # The role by its label, not its code (issue 15).
            assert "Kämmerei" in problem["detail"] and "kaemmerei" not in problem["detail"]
        if case.name == "invalid-json":
            assert "JSON" in problem["detail"]
        if case.name in ("no-version", "version-not-a-number"):
            assert [f["field"] for f in problem["fields"]] == ["version"]
        if case.name == "data-not-an-object":
            assert [f["field"] for f in problem["fields"]] == ["data"]
        if case.name == "no-token":
            assert response.headers["www-authenticate"] == "Bearer"
        if case.name == "id-out-of-range":
            assert [f["field"] for f in problem["fields"]] == ["measure_id"]
        if case.name.startswith("if-match-"):
            assert [f["field"] for f in problem["fields"]] == ["If-Match"]
        if case.name == "nul-comment":
            assert [f["field"] for f in problem["fields"]] == ["comment"]
        if case.name == "nul-data":
            assert [f["field"] for f in problem["fields"]] == ["data"]

    # The If-Match header wins over the body's version, in both directions; "*" defers to it.
    lead = auth["ag.leitung"]
    matched = fire(
        client,
        {**lead, "If-Match": '"2"'},
        ids["M-09"],
        "zur_ueberarbeitung",
        1,
        comment="Kosten ergänzen.",
    )
    assert matched.status_code == 200, matched.text
    assert matched.json()["version"] == 3
    starred = fire(
        client,
        {**lead, "If-Match": "*"},
        ids["M-09"],
        "zurueckziehen",
        3,
        comment="Wird nicht weiter verfolgt.",
    )
    assert starred.status_code == 200, starred.text
    assert starred.json()["to_state"] == "zurueckgezogen"
    with demo.read() as c:
        assert verify_chain(c, demo.chain_key).intact


def test_script_and_sql_looking_text_is_stored_and_returned_verbatim(
    client: TestClient, demo: Runtime
) -> None:
    ids = measure_ids(demo)
    m01 = ids["M-01"]
    lead = login(client, "ag.leitung")
    version = client.get(f"{API}/measures/{m01}", headers=lead).json()["version"]
    done = fire(
        client,
        lead,
        m01,
        "fortschritt_melden",
        version,
        comment=EVIL,
        data={"fortschritt": 50, "verzoegerungsgrund": EVIL},
    )
    assert done.status_code == 200, done.text

    for headers in (lead, {}):
        response = client.get(f"{API}/measures/{m01}/history", headers=headers)
        assert response.headers["content-type"] == "application/json"
        last = response.json()[-1]
        # Free text is for staff: the public sees the step without its comment.
        assert last["comment"] == (EVIL if headers else None)
        assert last["data"] == {"fortschritt": 50, "verzoegerungsgrund": EVIL}
    detail = client.get(f"{API}/measures/{m01}", headers=lead).json()
    assert detail["fields"]["verzoegerungsgrund"] == EVIL
    assert detail["fields"]["fortschritt"] == 50
    # The table is still there, and so is every measure.
    assert len(client.get(f"{API}/measures", headers=lead).json()["items"]) == 9
    with demo.read() as c:
        assert verify_chain(c, demo.chain_key).intact


# --- creating, editing, filtering and exporting ---------------------------------------------


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
    assert (body["state"], body["version"], body["public"]) == ("entwurf", 1, False)
    assert created.headers["location"] == f"{API}/measures/{body['id']}"
    assert body["responsible_person_name"] == "Thomas Behrendt"
    assert _actions(demo)[-1] == "measure.create"
    url = f"{API}/measures/{body['id']}"

    change = {"title": "Digitale Bauakte (Pilot)", "fields": {"kosten_einmalig": "12500.00"}}
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


def test_the_own_item_refusal_names_the_step_by_its_label_not_its_code(
    client: TestClient, demo: Runtime
) -> None:
    foreign = measure_ids(demo)["M-05"]  # Thomas Behrendt's, not Julia Neumann's
    member = login(client, "ag.mitglied")
    version = client.get(f"{API}/measures/{foreign}", headers=member).json()["version"]
    body = {"event": "fortschritt_melden", "version": version, "data": {"fortschritt": 70}}
    refused = client.post(f"{API}/measures/{foreign}/transitions", json=body, headers=member)
    detail = assert_problem(refused, 403, "rolle-fehlt")["detail"]
    assert detail.startswith("„Fortschritt melden“:"), detail
    assert "fortschritt_melden" not in detail


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
        json={
            "outcome": "mit_auflagen",
            "given_on": "2026-08-31",
            "text": EVIL,
            "conditions": ["Löschkonzept vorlegen"],
        },
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
            "public": True,
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
