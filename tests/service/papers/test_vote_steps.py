"""A vote belongs to its step of the Beratungsfolge, its meeting and its day.

Defects of an outside-in review on the demo: a Vorberatung's vote adopted a paper while the
deciding committee's vote was booked as a recommendation; a vote through the API was dated
on a day other than its session's; votes and agenda items were accepted in a cancelled
meeting; a unanimous vote without attendance claimed everyone had been present.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.demo import data
from service.errors import Conflict
from service.papers import votes
from service.papers.service import paper_by_reference
from service.runtime import Runtime
from tests import factories as make
from tests.conftest import FakeClock
from tests.service.browser import post_form, signed_in
from tests.service.council_support import API, actor, assert_problem, committee_id, login
from tests.service.papers.support import (
    paper_in_fva,
    paper_on_agenda,
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


def test_a_vote_through_the_api_is_dated_on_its_meeting_s_day(
    client: TestClient, demo: Runtime
) -> None:
    # The FVA meets on 26.08.2026 and treats the paper as TOP Ö 1.
    on_agenda = paper_on_agenda(client, demo)
    paper = on_agenda.paper
    before = trace(demo, paper.id, [paper.measure_id])
    other_day = _vote(client, demo, paper.id, paper.fva_step, held_on="2026-08-31")
    problem = assert_problem(other_day, 422, "abstimmung-ungueltig")
    assert "26.08.2026" in problem["detail"] and "31.08.2026" in problem["detail"]
    assert trace(demo, paper.id, [paper.measure_id]) == before

    voted = _vote(client, demo, paper.id, paper.fva_step, held_on="2026-08-26")
    assert voted.status_code == 201, voted.text
    assert voted.json()["vote"]["held_on"] == "2026-08-26"


def test_a_meeting_holding_votes_cannot_be_moved_to_another_day(
    client: TestClient, demo: Runtime
) -> None:
    on_agenda = paper_on_agenda(client, demo)
    office = login(client, "sitzungsdienst")
    url = f"{API}/meetings/{on_agenda.meeting_id}"
    # Before any vote the session may still move.
    moved = client.patch(url, json={"starts_at": "2026-08-25T17:00:00+02:00"}, headers=office)
    assert moved.status_code == 200, moved.text
    moved = client.patch(url, json={"starts_at": "2026-08-26T17:00:00+02:00"}, headers=office)
    assert moved.status_code == 200, moved.text
    voted = _vote(client, demo, on_agenda.paper.id, on_agenda.paper.fva_step)
    assert voted.status_code == 201, voted.text

    refused = client.patch(url, json={"starts_at": "2026-08-28T17:00:00+02:00"}, headers=office)
    problem = assert_problem(refused, 409, "sitzung-mit-abstimmungen")
    assert "26.08.2026" in problem["detail"]
    shown = client.get(url, headers=office).json()
    assert shown["starts_at"].startswith("2026-08-26")
    # What does not touch the day stays open.
    relocated = client.patch(url, json={"location": "Bestehornhaus"}, headers=office)
    assert relocated.status_code == 200, relocated.text


def test_a_cancelled_meeting_takes_no_vote_and_no_agenda_item(
    client: TestClient, demo: Runtime, clock: FakeClock
) -> None:
    on_agenda = paper_on_agenda(client, demo)
    paper = on_agenda.paper
    office = login(client, "sitzungsdienst")
    meeting = f"{API}/meetings/{on_agenda.meeting_id}"
    # Called off the day before (a session that has begun can no longer be), and now its
    # day has passed: a vote would be due, were it not cancelled.
    today = clock.now
    clock.now = datetime(2026, 8, 25, 9, tzinfo=UTC)
    cancelled = client.post(f"{meeting}/cancel", json={"reason": "Sturm"}, headers=office)
    assert cancelled.status_code == 200, cancelled.text
    clock.now = today
    before = trace(demo, paper.id, [paper.measure_id])

    # The page no longer offers the vote nor a new item, and posting the form is refused.
    web = signed_in(demo, "sitzungsdienst")
    page = f"/sitzungen/{on_agenda.meeting_id}"
    shown = web.get(page)
    assert shown.status_code == 200
    assert "Abstimmung zu TOP Ö 1 erfassen" not in shown.text
    assert "Punkt zur Tagesordnung hinzufügen" not in shown.text
    assert "in ihr wird nicht abgestimmt" in shown.text
    posted = post_form(
        web, page, f"{page}/abstimmung", {"top": str(on_agenda.item_id), "art": "einstimmig"}
    )
    assert posted.status_code == 409
    assert "abgesagt" in posted.text

    api_vote = _vote(client, demo, paper.id, paper.fva_step, held_on="2026-08-26")
    assert "abgesagt" in assert_problem(api_vote, 409, "sitzung-abgesagt")["detail"]
    item = {"number": "Ö 2", "title": "Nachtrag"}
    added = client.post(f"{meeting}/agenda-items", json=item, headers=office)
    assert "abgesagt" in assert_problem(added, 409, "sitzung-abgesagt")["detail"]
    assert trace(demo, paper.id, [paper.measure_id]) == before
    shown_meeting = client.get(meeting, headers=office).json()
    assert [i["number"] for i in shown_meeting["agenda"]] == ["Ö 1"]

    # The paper goes on the agenda of the next session; its step moves there and is voted.
    fva = committee_id(demo, "fva")
    later = client.post(
        f"{API}/meetings",
        json={"committee_id": fva, "starts_at": "2026-08-31T17:00:00+02:00"},
        headers=office,
    ).json()["id"]
    added = client.post(
        f"{API}/meetings/{later}/agenda-items",
        json={"number": "Ö 1", "title": "Eigenbetriebe", "paper_id": paper.id},
        headers=office,
    )
    assert added.status_code == 201, added.text
    voted = _vote(client, demo, paper.id, paper.fva_step, held_on="2026-08-31")
    assert voted.status_code == 201, voted.text
    assert voted.json()["vote"]["meeting_id"] == later


STATED = (
    "Beschlussfähig laut Feststellung der Sitzungsleitung; die Anwesenheit wurde nicht "
    "erfasst. Einstimmig angenommen."
)


def test_a_unanimous_vote_without_attendance_does_not_claim_everyone_present(
    client: TestClient, demo: Runtime
) -> None:
    office = login(client, "sitzungsdienst")
    # The demo's Stadtrat decision of 28.02.2024: "einstimmig bestätigt", nobody counted.
    with demo.read() as c:
        seed = paper_by_reference(c, str(data.PAPER["reference"]), demo.body_id).id
    (council,) = [
        v
        for v in client.get(f"{API}/papers/{seed}", headers=office).json()["votes"]
        if v["unanimous"]
    ]
    assert (council["present"], council["quorum_stated"]) == (None, True)
    assert council["explanation"] == STATED

    paper = paper_in_fva(client, demo)
    vote_in_fva(client, demo, paper)
    (fva,) = client.get(f"{API}/papers/{paper.id}", headers=office).json()["votes"]
    assert fva["present"] is None and fva["explanation"] == STATED
