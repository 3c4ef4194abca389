"""Several Vorberatungen before the Entscheidung vote in the order of the Beratungsfolge.

Defect of a review: a second Vorberatung (two advisory committees, or the same one again) was
accepted when planning, but could not vote. Now each Vorberatung but the last recommends
while the paper stays in its Vorberatung; the last one sends it on to the Entscheidung.
"""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from service.papers import votes
from service.runtime import Runtime
from tests import factories as make
from tests.service.council_support import API, actor, assert_problem, committee_id, login
from tests.service.papers.support import (
    measure_state,
    paper_as_office,
    plan_step,
    ready_measure,
    send_paper,
    vote_unanimously,
)


def test_a_second_vorberatung_votes_after_the_first_and_before_the_entscheidung(
    client: TestClient, demo: Runtime
) -> None:
    main_committee = make.committee(
        demo, slug=make.unique("ha"), name="Hauptausschuss", short_name="HA", members=5
    )
    measure = ready_measure(demo)
    fva, council = committee_id(demo, "fva"), committee_id(demo, "stadtrat")
    paper = make.paper(
        demo,
        measure_ids=[measure],
        consultations=[
            (fva, "vorberatung"),
            (main_committee, "vorberatung"),
            (council, "entscheidung"),
        ],
    )
    send_paper(client, demo, paper, "2026-08-26")
    steps = paper_as_office(client, paper)["consultations"]
    fva_step, main_step, council_step = (s["id"] for s in steps)

    # The Finanzausschuss recommends; the paper and its measure wait for the Hauptausschuss.
    first = vote_unanimously(client, demo, paper, fva_step)
    assert first.status_code == 201, first.text
    assert first.json()["paper"]["event"] == "empfehlen"
    assert first.json()["paper"]["from_state"] == first.json()["paper"]["to_state"] == "vorberatung"
    assert paper_as_office(client, paper)["state"] == "vorberatung"
    assert measure_state(client, measure) == "fva_beratung"
    early = vote_unanimously(client, demo, paper, council_step)
    assert "HA" in assert_problem(early, 409, "beratungsfolge-nicht-eingehalten")["detail"]

    second = vote_unanimously(client, demo, paper, main_step)
    assert second.status_code == 201, second.text
    assert second.json()["paper"]["to_state"] == "entscheidung"
    assert measure_state(client, measure) == "stadtrat_beschluss"
    decided = vote_unanimously(client, demo, paper, council_step)
    assert decided.status_code == 201, decided.text
    assert decided.json()["paper"]["to_state"] == "beschlossen"

    # Both recommendations stand in the histories of the paper and of its measure.
    office = login(client, "sitzungsdienst")
    paper_steps = client.get(f"{API}/papers/{paper}/history", headers=office).json()
    assert [(e["event"], e["to_state"]) for e in paper_steps][1:] == [
        ("empfehlen", "vorberatung"),
        ("empfehlen", "entscheidung"),
        ("beschliessen", "beschlossen"),
    ]
    measure_steps = client.get(f"{API}/measures/{measure}/history", headers=office).json()
    assert [e["event"] for e in measure_steps][-3:] == [
        "fva_empfehlen",
        "fva_empfehlen",
        "beschliessen",
    ]


def test_the_same_committee_advises_twice_in_its_order(client: TestClient, demo: Runtime) -> None:
    measure = ready_measure(demo)
    fva, council = committee_id(demo, "fva"), committee_id(demo, "stadtrat")
    paper = make.paper(
        demo,
        measure_ids=[measure],
        consultations=[(fva, "vorberatung"), (fva, "vorberatung"), (council, "entscheidung")],
    )
    send_paper(client, demo, paper, "2026-08-26")
    office = actor(demo, "sitzungsdienst")
    for day, state in ((date(2026, 8, 26), "vorberatung"), (date(2026, 8, 31), "entscheidung")):
        # Named by its committee, the vote belongs to the FVA's first open step.
        request = votes.VoteRequest(committee_slug="fva", held_on=day, unanimous=True)
        with demo.write() as c:
            votes.record_vote(demo, c, office, paper, request)
        assert paper_as_office(client, paper)["state"] == state
    assert [c["result"] for c in paper_as_office(client, paper)["consultations"]] == [
        "angenommen",
        "angenommen",
        None,
    ]
    assert measure_state(client, measure) == "stadtrat_beschluss"


def test_no_vorberatung_is_planned_once_the_paper_is_past_its_vorberatung(
    client: TestClient, demo: Runtime
) -> None:
    fva, council = committee_id(demo, "fva"), committee_id(demo, "stadtrat")
    measure = ready_measure(demo)
    paper = make.paper(demo, measure_ids=[measure], consultations=[(fva, "vorberatung")])
    send_paper(client, demo, paper, "2026-08-26")
    [fva_step] = (s["id"] for s in paper_as_office(client, paper)["consultations"])
    assert vote_unanimously(client, demo, paper, fva_step).status_code == 201
    assert plan_step(client, paper, council, "entscheidung", position=5).status_code == 201

    # Between the FVA's vote and the Entscheidung no vote of a Vorberatung is possible.
    late = plan_step(client, paper, fva, "vorberatung", position=3)
    problem = assert_problem(late, 409, "beratungsfolge-unmoeglich")
    assert "zurückverwiesen" in problem["detail"]
    assert [c["role"] for c in paper_as_office(client, paper)["consultations"]] == [
        "vorberatung",
        "entscheidung",
    ]
