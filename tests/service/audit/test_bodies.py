"""Each body's Datenschutz and Revision read only their body's chain (issue 17), on SQLite
and PostgreSQL: search, export and disclosure show nothing of another body, a person of
another body is 404 for disclosure and erasure, and the checkpoint file names one chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from service.actor import SYSTEM, Actor
from service.audit import exporting, naming, trail
from service.audit.owner import owner_transaction
from service.audit.search import Filters, FoundEvent
from service.auth import service as accounts
from service.auth import tokens
from service.errors import NotFound
from service.main import create_app
from service.people.erasure import erase_person
from service.runtime import Runtime
from tests import factories

NEIGHBOUR = "nachbarstadt"
PASSWORD = "Datenschutz-Rathaus-2026"
_FAST = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


@dataclass
class Body:
    runtime: Runtime
    dsb: Actor
    person: int
    measure: int


def _body(runtime: Runtime, username: str) -> Body:
    person = factories.person(runtime, email=f"{username}@example.invalid")
    measure = factories.measure(runtime, responsible_person_id=person)
    with runtime.write() as c:
        accounts.create_user(
            runtime,
            c,
            SYSTEM,
            username=username,
            roles=["datenschutz"],
            password_hash=tokens.hash_password(PASSWORD),
        )
    with runtime.read() as c:
        dsb = accounts.actor_for(c, username, body=runtime.chain_key)
    return Body(runtime, dsb, person, measure)


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "hasher", lambda: _FAST)


@pytest.fixture
def ours(runtime: Runtime) -> Body:
    return _body(runtime, "dsb")


@pytest.fixture
def theirs(runtime: Runtime) -> Body:
    return _body(runtime.for_body(NEIGHBOUR), "dsb")


def _search(body: Body, filters: Filters | None = None) -> list[FoundEvent]:
    with body.runtime.write() as c:
        return trail.search(body.runtime, c, body.dsb, filters or Filters(), "Prüfung", None, 500)


def test_a_search_shows_only_the_bodys_own_chain(ours: Body, theirs: Body) -> None:
    mine, other = _search(ours), _search(theirs)

    assert mine and other
    assert {e.chain_key for e in mine} == {ours.runtime.chain_key}
    assert {e.chain_key for e in other} == {NEIGHBOUR}
    assert _search(ours, Filters(person_id=theirs.person)) == []
    assert _search(ours, Filters(entity_type="measure", entity_id=theirs.measure)) == []
    assert _search(theirs, Filters(entity_type="measure", entity_id=theirs.measure))


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_an_export_holds_only_the_bodys_own_chain(ours: Body, theirs: Body, kind: str) -> None:
    their_hashes = {e.hash for e in _search(theirs)}
    own_hashes = {e.hash for e in _search(ours)}  # all older than the export: in it

    text = "".join(exporting.start_export(ours.runtime, ours.dsb, Filters(), "Prüfung", kind))

    assert all(h in text for h in own_hashes)
    assert NEIGHBOUR not in text
    assert not any(h in text for h in their_hashes)
    if kind == "json":
        assert {e["chain_key"] for e in json.loads(text)} == {ours.runtime.chain_key}


def test_a_disclosure_is_of_the_bodys_persons_and_its_chain_only(ours: Body, theirs: Body) -> None:
    with ours.runtime.write() as c, pytest.raises(NotFound):
        trail.disclose(ours.runtime, c, ours.dsb, theirs.person, "Auskunftsersuchen")
    with theirs.runtime.write() as c:
        found = trail.disclose(theirs.runtime, c, theirs.dsb, theirs.person, "Auskunftsersuchen")
    own_hashes = {e.hash for e in _search(ours)}

    assert found["verantwortlich_fuer_massnahmen"][0]["id"] == theirs.measure
    assert found["protokolleintraege"]
    assert not any(e["hash"] in own_hashes for e in found["protokolleintraege"])


def test_an_erasure_reaches_only_the_bodys_persons(ours: Body, theirs: Body) -> None:
    now = ours.runtime.now()
    with owner_transaction(ours.runtime.settings) as c, pytest.raises(NotFound):
        erase_person(c, ours.runtime.chain_key, theirs.person, now)
    with owner_transaction(ours.runtime.settings) as c:
        done = erase_person(c, NEIGHBOUR, theirs.person, now)

    assert done.person_id == theirs.person
    erased = _search(theirs, Filters(action="person.erase"))
    assert [e.entity_id for e in erased] == [theirs.person]
    assert _search(ours, Filters(action="person.erase")) == []


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as test_client:
        yield test_client


def _bearer(client: TestClient, prefix: str) -> dict[str, str]:
    answer = client.post(
        f"{prefix}/api/v1/auth/token", data={"username": "dsb", "password": PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_through_the_api_a_dsb_sees_nothing_of_the_neighbour(
    ours: Body, theirs: Body, client: TestClient
) -> None:
    mine, there = _bearer(client, ""), _bearer(client, f"/b/{NEIGHBOUR}")
    purpose = {"purpose": "Prüfung"}

    events = client.get("/api/v1/audit/events", headers=mine, params={**purpose, "limit": 200})
    assert events.status_code == 200
    assert {e["chain_key"] for e in events.json()["items"]} == {ours.runtime.chain_key}
    foreign = f"/api/v1/audit/persons/{theirs.person}/disclosure"
    assert client.get(foreign, headers=mine, params=purpose).status_code == 404
    assert client.get(f"/b/{NEIGHBOUR}{foreign}", headers=there, params=purpose).status_code == 200
    exported = client.get("/api/v1/audit/events/export", headers=mine, params=purpose)
    assert exported.status_code == 200 and NEIGHBOUR not in exported.text
    verified = client.get(f"/b/{NEIGHBOUR}/api/v1/audit/verify", headers=there).json()
    assert [c["chain_key"] for c in verified["chains"]] == [NEIGHBOUR]
    checkpoints = client.get("/api/v1/audit/checkpoints", headers=mine).json()["checkpoints"]
    assert all(c["chain"] == ours.runtime.chain_key for c in checkpoints)


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param(lambda login: Filters(actor_id=login), id="actor"),
        pytest.param(lambda login: Filters(entity_type="user", entity_id=login), id="entity"),
    ],
)
def test_a_search_naming_another_bodys_login_does_not_name_its_person(
    ours: Body, theirs: Body, filters: Any
) -> None:
    """A search records its filters; shown again (a later search, an export), a login id of
    another body there named that body's person, so trying ids one by one listed the
    neighbour's staff by name."""
    person = factories.person(theirs.runtime, given_name="Nora", family_name="Nachbarin")
    with theirs.runtime.write() as c:
        login = accounts.create_user(
            theirs.runtime, c, SYSTEM, username="nora", roles=["sitzungsdienst"], person_id=person
        )
    _search(ours, filters(login))

    asked = Filters(action="audit.query")
    exported = "".join(exporting.start_export(ours.runtime, ours.dsb, asked, "Prüfung", "csv"))
    with ours.runtime.read() as c:
        shown = naming.wording(ours.runtime, c, ours.dsb, _search(ours, asked))

    assert f"Benutzerkonto Nr. {login}" in exported  # an id that names no one here
    assert "Nachbarin" not in exported
    assert "Nachbarin" not in " ".join(shown.names.values())
