"""Papers of two bodies in one database: each body sees and acts on its own only.

The demo city (body A) and the Nachbarstadt (body B, ``tests/service/neighbour.py``): for
A's staff and A's public every id of B's paper is a 404, lists and searches name none of
B's papers, a vote or a carried measure naming B's rows is refused as a wrong id is, and
B's Sitzungsdienst sees B's papers at B's address. Both backends.
"""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from service.demo import data
from service.errors import NotFound
from service.keyset import Sort
from service.papers import reading, votes
from service.papers.service import paper_by_reference
from service.runtime import Runtime
from tests import factories
from tests.service.browser import signed_in
from tests.service.council_support import API, actor, assert_problem, committee_id, login
from tests.service.neighbour import PAPER_TITLE, PREFIX, REFERENCE, Neighbour, leaked, neighbour

WRONG = 999_999


@pytest.fixture
def b(demo: Runtime) -> Neighbour:
    return neighbour(demo)


def test_a_s_services_find_none_of_b_s_papers(demo: Runtime, b: Neighbour) -> None:
    office = actor(demo, "sitzungsdienst")
    with demo.read() as c:
        for who in (office, None):
            with pytest.raises(NotFound):
                reading.read_paper(demo, c, who, b.paper_id)
            rows = reading.read_papers(
                demo,
                c,
                who,
                state=None,
                reference=None,
                committee_id=None,
                sort=Sort("id"),
                after=None,
                limit=500,
            )
            assert rows and b.paper_id not in {r.id for r in rows}
        assert paper_by_reference(c, REFERENCE, demo.body_id) is None
    with b.runtime.read() as c:
        view = reading.read_paper(b.runtime, c, b.office, b.paper_id, with_choices=True)
        assert view.paper.reference == REFERENCE
        assert [m.id for m in view.choices.meetings] == [b.meeting_id]
        assert [x.id for x in view.choices.committees] == [b.committee_id]
        assert b.measure_id in {m.id for m in view.choices.carriable}


def test_the_api_answers_404_for_b_s_paper_to_a_s_staff_and_public(
    client: TestClient, demo: Runtime, b: Neighbour
) -> None:
    staff = login(client, "sitzungsdienst")
    for auth in (staff, {}):
        for path in (f"/papers/{b.paper_id}", f"/papers/{b.paper_id}/history"):
            assert_problem(client.get(API + path, headers=auth), 404, "nicht-gefunden")
        listed = client.get(f"{API}/papers", params={"limit": 200}, headers=auth)
        assert listed.status_code == 200 and not leaked(listed.text)
        assert data.PAPER["reference"] in listed.text
        searched = client.get(f"{API}/papers", params={"reference": "NB/"}, headers=auth)
        assert searched.json()["items"] == []
        by_committee = client.get(
            f"{API}/papers", params={"committee_id": b.committee_id}, headers=auth
        )
        assert by_committee.json()["items"] == []


def test_writes_on_or_naming_b_s_papers_and_measures_are_refused_as_wrong_ids(
    client: TestClient, demo: Runtime, b: Neighbour
) -> None:
    staff = login(client, "sitzungsdienst")
    for paper in (b.paper_id, WRONG):
        for path, body in (
            (
                "votes",
                {"held_on": "2026-09-01", "unanimous": True, "consultation_id": 1, "version": 1},
            ),
            ("transitions", {"event": "in_vorberatung_geben", "version": 1}),
            ("measures", {"measure_ids": [b.measure_id]}),
            ("consultations", {"committee_id": b.committee_id, "role": "entscheidung"}),
        ):
            refused = client.post(f"{API}/papers/{paper}/{path}", json=body, headers=staff)
            assert_problem(refused, 404, "nicht-gefunden")
    draft = factories.paper(demo)
    fva = committee_id(demo, "fva")
    carried = [
        client.post(f"{API}/papers/{draft}/measures", json={"measure_ids": [m]}, headers=staff)
        for m in (b.measure_id, WRONG)
    ]
    theirs, wrong = (assert_problem(a, 422) for a in carried)
    assert theirs["type"] == wrong["type"]
    assert theirs["fields"][0]["field"] == wrong["fields"][0]["field"] == "measure_ids"
    for body in (
        {"committee_id": b.committee_id, "role": "entscheidung"},
        {"committee_id": fva, "role": "vorberatung", "meeting_id": b.meeting_id},
    ):
        refused = client.post(f"{API}/papers/{draft}/consultations", json=body, headers=staff)
        assert_problem(refused, 422)
    with b.runtime.read() as c:
        mine = reading.read_paper(b.runtime, c, b.office, b.paper_id)
    assert mine.paper.state == "entwurf" and mine.votes == [] and mine.measures == []
    with demo.read() as c:
        assert reading.read_paper(demo, c, actor(demo, "sitzungsdienst"), draft).measures == []


def test_a_vote_cannot_reach_across_bodies(demo: Runtime, b: Neighbour) -> None:
    office = actor(demo, "sitzungsdienst")
    request = votes.VoteRequest(committee_slug="stadtrat", held_on=date(2026, 9, 1), unanimous=True)
    with pytest.raises(NotFound), demo.write() as c:
        votes.record_vote(demo, c, office, b.paper_id, request)
    # B's Sitzungsdienst cannot vote on A's paper either, nor name A's council by its slug.
    with pytest.raises(NotFound), b.runtime.write() as c:
        votes.record_vote(b.runtime, c, b.office, _demo_paper(demo), request)
    # A person of B is no member of A's committee: named at A's vote, the vote is refused.
    paper = factories.paper(demo, consultations=[(committee_id(demo, "fva"), "entscheidung")])
    stranger = votes.VoteRequest(
        committee_slug="fva", held_on=date(2026, 9, 1), present_person_ids=(b.person_id,)
    )
    with pytest.raises(votes.InvalidVote), demo.write() as c:
        votes.record_vote(demo, c, office, paper, stranger)


def _demo_paper(demo: Runtime) -> int:
    with demo.read() as c:
        return int(paper_by_reference(c, str(data.PAPER["reference"]), demo.body_id).id)


def test_b_s_staff_see_b_s_papers_at_b_s_address_only(
    client: TestClient, demo: Runtime, b: Neighbour
) -> None:
    mine = client.get(f"{PREFIX}/papers/{b.paper_id}", headers=b.auth)
    assert mine.status_code == 200 and mine.json()["reference"] == REFERENCE
    listed = client.get(f"{PREFIX}/papers", headers=b.auth).json()["items"]
    assert [p["reference"] for p in listed] == [REFERENCE]
    assert_problem(client.get(f"{PREFIX}/papers/{_demo_paper(demo)}", headers=b.auth), 404)
    assert client.get(f"{API}/papers/{b.paper_id}", headers=b.auth).status_code == 401
    public = client.get(f"{PREFIX}/papers").json()["items"]
    assert [p["reference"] for p in public] == [REFERENCE]


def test_a_reference_is_unique_within_its_body_only(
    client: TestClient, demo: Runtime, b: Neighbour
) -> None:
    reference = str(data.PAPER["reference"])
    paper = {"reference": reference, "title": "Gleiche Nummer, andere Stadt"}
    created = client.post(f"{PREFIX}/papers", json=paper, headers=b.auth)
    assert created.status_code == 201, created.text
    again = client.post(f"{API}/papers", json=paper, headers=login(client, "sitzungsdienst"))
    assert_problem(again, 409, "drucksachennummer-vergeben")
    with demo.read() as c:
        own = paper_by_reference(c, reference, demo.body_id)
        theirs = paper_by_reference(c, reference, b.runtime.body_id)
    assert own.id != theirs.id and theirs.id == created.json()["id"]
    assert theirs.title == "Gleiche Nummer, andere Stadt"


def test_a_s_paper_pages_show_nothing_of_b(
    anonymous: TestClient, demo: Runtime, b: Neighbour
) -> None:
    assert anonymous.get(f"/oeffentlich/vorlagen/{b.paper_id}").status_code == 404
    # Its public measures are the measures' room's to scope; its papers are ours.
    start = anonymous.get("/oeffentlich")
    assert start.status_code == 200 and REFERENCE not in start.text
    assert PAPER_TITLE not in start.text
    draft = factories.paper(demo)
    with signed_in(demo, "sitzungsdienst") as web:
        assert web.get(f"/vorlagen/{b.paper_id}").status_code == 404
        listed = web.get("/vorlagen")
        assert listed.status_code == 200 and not leaked(listed.text)
        page = web.get(f"/vorlagen/{draft}")
        assert page.status_code == 200 and not leaked(page.text)
        assert "Finanz- und Verwaltungsausschuss" in page.text
