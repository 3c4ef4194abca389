"""The audit API on the demo city, on SQLite and on PostgreSQL.

Only the Datenschutzbeauftragte and the Revision read the trail; every query states a purpose
and lands in the trail with it; searches page newest first; exports stream what the search
finds; the disclosure export holds everything about one person and nothing about others.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import or_, select, update

from service.audit.models import AuditEvent, AuditEventPerson
from service.audit.search import ERASED
from service.auth.models import User
from service.committees.models import Membership
from service.demo.data import STAFF
from service.measures.models import Measure
from service.people.models import Person
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login
from workflow.spec import KNOWN_ROLES

events = AuditEvent.__table__  # type: ignore[attr-defined]
event_persons = AuditEventPerson.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
users = User.__table__  # type: ignore[attr-defined]
memberships = Membership.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]

READERS = ("datenschutz", "revision")
OTHER_ROLES = sorted({p.username for p in STAFF if p.username} - set(READERS))
PURPOSE = "Auskunftsersuchen Az. 2026-17"
ENDPOINTS = [
    f"{API}/audit/events?purpose=Pr%C3%BCfung",
    f"{API}/audit/events/export?purpose=Pr%C3%BCfung",
    f"{API}/audit/persons/1/disclosure?purpose=Pr%C3%BCfung",
    f"{API}/audit/verify",
    f"{API}/audit/checkpoints",
]


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def dsb(client: TestClient) -> dict[str, str]:
    return login(client, "datenschutz")


def search(client: TestClient, auth: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(
        f"{API}/audit/events", params={"purpose": PURPOSE, **params}, headers=auth
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def all_pages(client: TestClient, auth: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = search(client, auth, **params, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def person_named(runtime: Runtime, given: str, family: str) -> int:
    with runtime.read() as c:
        return int(
            c.execute(
                select(persons.c.id).where(
                    persons.c.given_name == given, persons.c.family_name == family
                )
            ).scalar_one()
        )


# --- who may read ----------------------------------------------------------------------------


def test_only_the_dsb_and_the_revision_read_the_trail(client: TestClient) -> None:
    assert OTHER_ROLES and "admin" in OTHER_ROLES and "ob" in OTHER_ROLES
    for url in ENDPOINTS:
        assert_problem(client.get(url), 401)
    for username in OTHER_ROLES:
        auth = login(client, username)
        for url in ENDPOINTS:
            body = assert_problem(client.get(url, headers=auth), 403, "rolle-fehlt")
            assert "Datenschutzbeauftragte" in body["detail"]
    for username in READERS:
        auth = login(client, username)
        for url in ENDPOINTS:
            assert client.get(url, headers=auth).status_code == 200, (username, url)


def test_a_query_without_a_purpose_is_refused_naming_the_field(
    client: TestClient, dsb: dict[str, str], runtime: Runtime
) -> None:
    with runtime.read() as c:
        before = c.execute(select(events.c.seq).order_by(events.c.seq.desc())).scalars().first()
    for url in (
        f"{API}/audit/events",
        f"{API}/audit/events/export",
        f"{API}/audit/persons/1/disclosure",
    ):
        body = assert_problem(client.get(url, headers=dsb), 422, "eingabe-ungueltig")
        assert [f["field"] for f in body["fields"]] == ["purpose"]
        blank = client.get(url, params={"purpose": "   "}, headers=dsb)
        assert assert_problem(blank, 422)["fields"][0]["field"] == "purpose"
    with runtime.read() as c:
        after = c.execute(select(events.c.seq).order_by(events.c.seq.desc())).scalars().first()
    assert after == before  # a refused query leaves no trace, and shows nothing


def test_every_query_is_in_the_trail_with_its_purpose(
    client: TestClient, dsb: dict[str, str], runtime: Runtime
) -> None:
    person_id = person_named(runtime, "Julia", "Neumann")
    search(client, dsb, person_id=person_id)
    exported = client.get(
        f"{API}/audit/events/export",
        params={"purpose": "Export für die Revision", "format": "json", "action": "vote.create"},
        headers=dsb,
    )
    assert exported.status_code == 200
    disclosed = client.get(
        f"{API}/audit/persons/{person_id}/disclosure",
        params={"purpose": "Art. 15 Antrag vom 01.09."},
        headers=dsb,
    )
    assert disclosed.status_code == 200

    revision = login(client, "revision")
    found = all_pages(client, revision, entity_type="audit_trail")
    found += all_pages(client, revision, action="audit.disclosure")
    by_action = {e["action"]: e for e in found if e["actor"] == "datenschutz"}
    assert by_action["audit.query"]["comment"] == PURPOSE
    assert by_action["audit.query"]["context"] == {"person_id": person_id}
    assert by_action["audit.query"]["persons"] == [person_id]
    assert by_action["audit.export"]["comment"] == "Export für die Revision"
    assert by_action["audit.export"]["context"] == {"action": "vote.create", "format": "json"}
    assert by_action["audit.disclosure"]["comment"] == "Art. 15 Antrag vom 01.09."
    assert by_action["audit.disclosure"]["entity_id"] == person_id
    # "Who looked at Julia Neumann's data?" is itself a query by person.
    about_her = {e["action"] for e in all_pages(client, revision, person_id=person_id)}
    assert {"audit.query", "audit.disclosure"} <= about_her


# --- searching -------------------------------------------------------------------------------


def test_filters_narrow_and_pages_run_newest_first_without_gaps(
    client: TestClient, dsb: dict[str, str], runtime: Runtime
) -> None:
    with runtime.read() as c:
        m01 = c.execute(select(measures.c.id).where(measures.c.code == "M-01")).scalar_one()
        expected = list(
            c.execute(
                select(events.c.seq)
                .where(events.c.entity_type == "measure", events.c.entity_id == m01)
                .order_by(events.c.ts.desc(), events.c.id.desc())
            ).scalars()
        )
        leitung = c.execute(select(users.c.id).where(users.c.username == "ag.leitung")).scalar()
    assert len(expected) > 3
    paged = all_pages(client, dsb, entity_type="measure", entity_id=m01, limit=2)
    assert [e["seq"] for e in paged] == expected
    stamps = [e["ts"] for e in paged]
    assert stamps == sorted(stamps, reverse=True)

    by_actor = all_pages(client, dsb, actor_id=leitung, limit=200)
    assert by_actor and {e["actor"] for e in by_actor} == {"ag.leitung"}
    transitions = all_pages(client, dsb, action="measure.transition", limit=200)
    assert transitions and {e["action"] for e in transitions} == {"measure.transition"}

    # Free text searches the readable comments beside the digests.
    worded = all_pages(client, dsb, text="KEINE MITTEL im haushalt")
    assert len(worded) == 1
    assert worded[0]["comment"] == "Keine Mittel im Haushalt 2025; erneut für 2026 prüfen."

    # A time range is half-open, [since, until).
    moment = paged[1]["ts"]
    newer = all_pages(client, dsb, entity_type="measure", entity_id=m01, since=moment)
    older = all_pages(client, dsb, entity_type="measure", entity_id=m01, until=moment)
    assert [e["seq"] for e in newer + older] == expected

    bad = client.get(
        f"{API}/audit/events", params={"purpose": PURPOSE, "cursor": "kaputt"}, headers=dsb
    )
    assert assert_problem(bad, 422)["fields"][0]["field"] == "cursor"


# --- exports ---------------------------------------------------------------------------------


def test_exports_stream_what_the_search_finds(client: TestClient, dsb: dict[str, str]) -> None:
    wanted = {"entity_type": "measure"}
    found = all_pages(client, dsb, **wanted, limit=200)
    as_json = client.get(
        f"{API}/audit/events/export",
        params={"purpose": PURPOSE, "format": "json", **wanted},
        headers=dsb,
    )
    assert as_json.headers["content-type"].startswith("application/json")
    assert "attachment" in as_json.headers["content-disposition"]
    exported = as_json.json()
    assert [e["seq"] for e in exported] == [e["seq"] for e in found]
    assert exported[0]["comment"] == found[0]["comment"]

    as_csv = client.get(
        f"{API}/audit/events/export",
        params={"purpose": PURPOSE, "format": "csv", **wanted},
        headers=dsb,
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text.lstrip("\ufeff")), delimiter=";"))
    assert [int(r["Laufnummer"]) for r in rows] == [e["seq"] for e in found]
    commented = next(r for r in rows if r["Kommentar oder Zweck"])
    assert commented["Kommentar oder Zweck"] == next(e["comment"] for e in found if e["comment"])


# --- reads of personal data --------------------------------------------------------------------


def test_reading_a_non_public_measure_is_logged_a_public_one_is_not(
    client: TestClient, runtime: Runtime, dsb: dict[str, str]
) -> None:
    with runtime.read() as c:
        hidden, responsible = c.execute(
            select(measures.c.id, measures.c.responsible_person_id).where(measures.c.code == "M-06")
        ).one()
        public = c.execute(select(measures.c.id).where(measures.c.code == "M-01")).scalar_one()
    leitung = login(client, "ag.leitung")
    assert client.get(f"{API}/measures/{hidden}", headers=leitung).status_code == 200
    assert client.get(f"{API}/measures/{hidden}/history", headers=leitung).status_code == 200
    assert client.get(f"{API}/measures/{public}", headers=leitung).status_code == 200
    reads = all_pages(client, dsb, action="measure.read")
    assert [(e["entity_id"], e["actor"]) for e in reads] == [(hidden, "ag.leitung")] * 2
    assert reads[0]["persons"] == [responsible]


# --- disclosure (DSGVO Art. 15) -------------------------------------------------------------------


def test_the_disclosure_holds_everything_about_one_person_and_nothing_about_others(
    client: TestClient, dsb: dict[str, str], runtime: Runtime
) -> None:
    julia = person_named(runtime, "Julia", "Neumann")
    with runtime.read() as c:
        user_ids = list(c.execute(select(users.c.id).where(users.c.person_id == julia)).scalars())
        her_memberships = set(
            c.execute(select(memberships.c.id).where(memberships.c.person_id == julia)).scalars()
        )
        her_events = set(
            c.execute(
                select(events.c.seq).where(
                    or_(
                        events.c.actor_id.in_(user_ids),
                        events.c.id.in_(
                            select(event_persons.c.event_id).where(
                                event_persons.c.person_id == julia
                            )
                        ),
                    )
                )
            ).scalars()
        )
        others = list(c.execute(select(persons).where(persons.c.id != julia)).mappings())
        other_logins = list(
            c.execute(select(users.c.username).where(users.c.person_id != julia)).scalars()
        )
        her_measures = set(
            c.execute(
                select(measures.c.code).where(measures.c.responsible_person_id == julia)
            ).scalars()
        )
    response = client.get(
        f"{API}/audit/persons/{julia}/disclosure", params={"purpose": PURPOSE}, headers=dsb
    )
    assert response.status_code == 200
    data = response.json()
    assert data["person"]["given_name"] == "Julia" and data["person"]["family_name"] == "Neumann"
    assert [u["username"] for u in data["benutzer"]] == ["ag.mitglied"]
    assert "password_hash" not in response.text
    assert {m["id"] for m in data["mitgliedschaften"]} == her_memberships and her_memberships
    assert {m["code"] for m in data["verantwortlich_fuer_massnahmen"]} == her_measures
    assert her_measures
    assert {e["laufnummer"] for e in data["protokolleintraege"]} == her_events
    assert any(e["selbst_gehandelt"] for e in data["protokolleintraege"])
    assert any(e["betroffen"] for e in data["protokolleintraege"])
    # Her own values are readable where the trail holds them as digests.
    created = next(e for e in data["protokolleintraege"] if e["aktion"] == "person.create")
    assert created["aenderungen"]["family_name"] == [None, "Neumann"]

    text = response.text
    for other in others:
        for value in (other["given_name"], other["family_name"], other["email"]):
            if value and len(value) > 3:
                assert value not in text, value
    for username in other_logins:
        if username not in KNOWN_ROLES:  # demo logins named after a role show as the role
            assert f'"{username}"' not in text, username
    for event in data["protokolleintraege"]:
        for key, pair in event["aenderungen"].items():
            if "person" in key:
                assert all(v in (None, julia, "[andere Person]") for v in pair), (key, pair)
        assert "sha256:" not in json.dumps(event["aenderungen"])
        assert event["benutzer_id"] in (None, *user_ids)

    pdf = client.get(
        f"{API}/audit/persons/{julia}/disclosure",
        params={"purpose": PURPOSE, "format": "pdf"},
        headers=dsb,
    )
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_an_unknown_person_is_404(client: TestClient, dsb: dict[str, str]) -> None:
    response = client.get(
        f"{API}/audit/persons/99999/disclosure", params={"purpose": PURPOSE}, headers=dsb
    )
    assert_problem(response, 404, "nicht-gefunden")


# --- verification --------------------------------------------------------------------------------


def test_a_verification_from_after_its_end_is_refused_instead_of_reported_intact(
    client: TestClient,
) -> None:
    revision = login(client, "revision")
    refused = client.get(f"{API}/audit/verify?from=10&to=5", headers=revision)
    detail = assert_problem(refused, 422)["detail"]
    assert "Laufnummer 10" in detail and "5" in detail


def test_verify_reports_the_chain_and_names_the_first_bad_seq(
    client: TestClient, runtime: Runtime
) -> None:
    revision = login(client, "revision")
    body = client.get(f"{API}/audit/verify", headers=revision).json()
    assert body["intact"] is True
    (chain,) = body["chains"]
    assert chain["checked"] == chain["last_seq"] > 100
    with runtime.write() as c:
        if c.dialect.name == "sqlite":
            c.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        else:
            c.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
        c.execute(update(events).where(events.c.seq == 42).values(action="measure.create"))
    body = client.get(f"{API}/audit/verify", headers=revision).json()
    assert body["intact"] is False
    assert body["chains"][0]["first_bad_seq"] == 42
    assert body["chains"][0]["reason"]
    assert ERASED  # the marker the search shows for erased values (see test_erasure)
