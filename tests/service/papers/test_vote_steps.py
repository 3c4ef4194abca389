"""A vote belongs to its step of the Beratungsfolge, its meeting and its day.

Defects of an outside-in review on the demo: a Vorberatung's vote adopted a paper while the
deciding committee's vote was booked as a recommendation; a vote through the API was dated
on a day other than its session's; votes and agenda items were accepted in a cancelled
meeting; a unanimous vote without attendance claimed everyone had been present.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.errors import Conflict
from service.papers import votes
from service.runtime import Runtime
from tests import factories as make
from tests.service.council_support import API, actor, assert_problem, committee_id, login
from tests.service.papers.support import (
    paper_in_fva,
    ready_measure,
    trace,
    version_of,
    vote_in_fva,
)


def _vote(client: TestClient, runtime: Runtime, paper_id: int, step: int, **vote: Any) -> Any:
    return client.post(
        f"{API}/papers/{paper_id}/votes",
        json={
            "consultation_id": step,
            "held_on": "2026-08-26",
            "version": version_of(runtime, "paper", paper_id),
            "unanimous": True,
            **vote,
        },
        headers=login(client, "sitzungsdienst"),
    )


def test_an_advisory_committee_s_vote_does_not_adopt_a_paper(
    client: TestClient, demo: Runtime
) -> None:
    # A Beratungsfolge with the decision first, as it could be planned before the fix.
    measure = ready_measure(demo)
    council, fva = committee_id(demo, "stadtrat"), committee_id(demo, "fva")
    paper = make.paper(
        demo, consultations=[(council, "entscheidung"), (fva, "vorberatung")], measure_ids=[measure]
    )
    sent = client.post(
        f"{API}/papers/{paper}/transitions",
        json={"event": "in_vorberatung_geben", "version": 1, "data": {"sitzung_am": "2026-08-26"}},
        headers=login(client, "ag.leitung"),
    )
    assert sent.status_code == 200, sent.text
    office = login(client, "sitzungsdienst")
    steps = client.get(f"{API}/papers/{paper}", headers=office).json()["consultations"]
    council_step, fva_step = (s["id"] for s in steps)

    before = trace(demo, paper, [measure])
    # The Stadtrat decides; in the Vorberatung there is nothing for it to decide yet.
    decided = _vote(client, demo, paper, council_step)
    problem = assert_problem(decided, 409, "beratungsschritt-passt-nicht")
    assert "SR" in problem["detail"] or "Stadtrat" in problem["detail"]
    assert "Vorberatung" in problem["detail"]
    assert trace(demo, paper, [measure]) == before

    # The FVA only advises: it never adopts the paper, whatever its position.
    advised = _vote(client, demo, paper, fva_step)
    assert_problem(advised, 409)
    assert trace(demo, paper, [measure]) == before
    shown = client.get(f"{API}/papers/{paper}", headers=office).json()
    assert shown["state"] == "vorberatung" and shown["votes"] == []


def test_an_advisory_committee_s_second_vote_does_not_adopt_a_paper(
    client: TestClient, demo: Runtime
) -> None:
    # The FVA advised; voting again under its name (no open step of its own) must not decide
    # the paper in the Stadtrat's place.
    paper = paper_in_fva(client, demo)
    vote_in_fva(client, demo, paper)
    before = trace(demo, paper.id, [paper.measure_id])
    request = votes.VoteRequest(committee_slug="fva", held_on=date(2026, 8, 26), unanimous=True)
    with pytest.raises(Conflict) as refused, demo.write() as c:
        votes.record_vote(demo, c, actor(demo, "sitzungsdienst"), paper.id, request)
    assert refused.value.slug == "kein-beratungsschritt"
    assert trace(demo, paper.id, [paper.measure_id]) == before

    decided = _vote(client, demo, paper.id, paper.council_step)
    assert decided.status_code == 201, decided.text
    assert decided.json()["paper"]["event"] == "beschliessen"


def test_a_beratungsfolge_deciding_before_its_vorberatung_is_refused(
    client: TestClient, demo: Runtime
) -> None:
    office = login(client, "sitzungsdienst")
    paper = client.post(
        f"{API}/papers", json={"reference": make.unique("VII/"), "title": "Folge"}, headers=office
    ).json()["id"]
    url = f"{API}/papers/{paper}/consultations"
    council, fva = committee_id(demo, "stadtrat"), committee_id(demo, "fva")
    planned = client.post(
        url, json={"committee_id": council, "role": "entscheidung"}, headers=office
    )
    assert planned.status_code == 201, planned.text

    late = client.post(url, json={"committee_id": fva, "role": "vorberatung"}, headers=office)
    problem = assert_problem(late, 409, "beratungsfolge-unmoeglich")
    assert "vor der Entscheidung" in problem["detail"]

    # An Entscheidung planned before a Vorberatung is just as impossible.
    other = client.post(
        f"{API}/papers", json={"reference": make.unique("VII/"), "title": "Folge"}, headers=office
    ).json()["id"]
    url = f"{API}/papers/{other}/consultations"
    advice = {"committee_id": fva, "role": "vorberatung", "position": 2}
    assert client.post(url, json=advice, headers=office).status_code == 201
    early = {"committee_id": council, "role": "entscheidung", "position": 1}
    assert_problem(client.post(url, json=early, headers=office), 409, "beratungsfolge-unmoeglich")
    shown = client.get(f"{API}/papers/{other}", headers=office).json()["consultations"]
    assert [s["role"] for s in shown] == ["vorberatung"]
