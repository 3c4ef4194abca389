"""Persons of two bodies in one database: each body's staff and public see their own only.

The Nachbarstadt's council member is a public figure there, and nobody in the demo city:
its staff get the 404 of a wrong id, its public the 401 a wrong id gets (a person the
public may not see answers 401 whether or not it exists). Both backends.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from service.errors import NotFound
from service.keyset import Sort
from service.people import service as people
from service.people.erasure import erase_person
from service.runtime import Runtime
from tests.service.council_support import API, actor, assert_problem, login
from tests.service.neighbour import PERSON_NAME, PREFIX, Neighbour, leaked, neighbour

WRONG = 999_999


@pytest.fixture
def b(demo: Runtime) -> Neighbour:
    return neighbour(demo)


def test_a_s_staff_and_public_find_none_of_b_s_persons(
    client: TestClient, demo: Runtime, b: Neighbour
) -> None:
    staff = login(client, "sitzungsdienst")
    for person in (b.person_id, WRONG):
        assert_problem(client.get(f"{API}/persons/{person}", headers=staff), 404, "nicht-gefunden")
        assert client.get(f"{API}/persons/{person}").status_code == 401
        edited = client.patch(f"{API}/persons/{person}", json={"title": "Dr."}, headers=staff)
        assert_problem(edited, 404, "nicht-gefunden")
    for auth in (staff, {}):
        listed = client.get(f"{API}/persons", params={"limit": 200}, headers=auth)
        assert listed.status_code == 200 and listed.json()["items"], listed.text
        assert not leaked(listed.text)
        of_b = client.get(f"{API}/persons", params={"committee_id": b.committee_id}, headers=auth)
        assert of_b.json()["items"] == []


def test_b_s_staff_and_public_see_b_s_council_member_at_b_s_address(
    client: TestClient, demo: Runtime, b: Neighbour
) -> None:
    for auth in (b.auth, {}):
        shown = client.get(f"{PREFIX}/persons/{b.person_id}", headers=auth)
        assert shown.status_code == 200 and PERSON_NAME in shown.json()["name"]
        listed = client.get(f"{PREFIX}/persons", params={"limit": 200}, headers=auth).json()
        assert PERSON_NAME in {p["name"].split()[-1] for p in listed["items"]}
        assert "Behrendt" not in str(listed)  # the demo city's Leiter Amt 21
    a_person = actor(demo, "ag.leitung").person_id
    assert_problem(client.get(f"{PREFIX}/persons/{a_person}", headers=b.auth), 404)


def test_the_services_and_erasure_stay_within_the_body(demo: Runtime, b: Neighbour) -> None:
    office = actor(demo, "sitzungsdienst")
    with demo.read() as c:
        with pytest.raises(NotFound):
            people.read_person(demo, c, office, b.person_id)
        rows = people.read_persons(
            demo,
            c,
            office,
            limit=500,
            committee_id=None,
            is_staff=None,
            sort=Sort("id"),
            after=None,
        )
        assert rows and b.person_id not in {r.id for r in rows}
        assert people.persons_in_body(c, demo.body_id, [b.person_id]) == set()
    # Erasing through the demo city's chain does not reach the Nachbarstadt's person.
    with pytest.raises(NotFound), demo.write() as c:
        erase_person(c, demo.chain_key, b.person_id, demo.now() + timedelta(minutes=1))
    with b.runtime.read() as c:
        assert people.get_person(c, b.runtime.body_id, b.person_id).family_name == PERSON_NAME
