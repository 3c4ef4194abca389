"""The API history names the recorded vote each step followed from (``vote_id``).

Defect of a review: the history entries have stored their vote since migration 0025, but the
API's history left it out, so a program reading it could not tell which vote a step
followed from. A vote the caller may not see (a non-public session's, for the public) stays
hidden, its id too.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.council_support import API, committee_id, login
from tests.service.papers.support import paper_in_fva, version_of, vote_in_fva


def _decided_in_a_closed_session(
    client: TestClient, runtime: Runtime, paper_id: int, step: int
) -> None:
    """The Stadtrat adopts the paper in the non-public part of its session on 27.08.2026."""
    office = login(client, "sitzungsdienst")
    meeting = client.post(
        f"{API}/meetings",
        json={
            "committee_id": committee_id(runtime, "stadtrat"),
            "starts_at": "2026-08-27T17:00:00+02:00",
        },
        headers=office,
    )
    assert meeting.status_code == 201, meeting.text
    item = client.post(
        f"{API}/meetings/{meeting.json()['id']}/agenda-items",
        json={"number": "N 1", "title": "Eigenbetriebe", "paper_id": paper_id, "public": False},
        headers=office,
    )
    assert item.status_code == 201, item.text
    voted = client.post(
        f"{API}/papers/{paper_id}/votes",
        json={
            "consultation_id": step,
            "held_on": "2026-08-27",
            "version": version_of(runtime, "paper", paper_id),
            "unanimous": True,
        },
        headers=office,
    )
    assert voted.status_code == 201, voted.text


def _steps(client: TestClient, path: str, headers: dict[str, str]) -> list[tuple[str, object]]:
    response = client.get(f"{API}/{path}/history", headers=headers)
    assert response.status_code == 200, response.text
    return [(e["event"], e["vote_id"]) for e in response.json()]


def test_the_api_history_names_the_vote_a_step_followed_from(
    client: TestClient, demo: Runtime
) -> None:
    paper = paper_in_fva(client, demo)
    vote_in_fva(client, demo, paper)
    _decided_in_a_closed_session(client, demo, paper.id, paper.council_step)
    office = login(client, "sitzungsdienst")
    votes = client.get(f"{API}/papers/{paper.id}", headers=office).json()["votes"]
    fva_vote, council_vote = (v["id"] for v in votes)

    assert _steps(client, f"papers/{paper.id}", office) == [
        ("in_vorberatung_geben", None),
        ("empfehlen", fva_vote),
        ("beschliessen", council_vote),
    ]
    assert _steps(client, f"measures/{paper.measure_id}", office)[-2:] == [
        ("fva_empfehlen", fva_vote),
        ("beschliessen", council_vote),
    ]

    # The public sees the FVA's vote, and which step followed from it; not the Stadtrat's.
    assert [v["id"] for v in client.get(f"{API}/papers/{paper.id}").json()["votes"]] == [fva_vote]
    assert _steps(client, f"papers/{paper.id}", {}) == [
        ("in_vorberatung_geben", None),
        ("empfehlen", fva_vote),
        ("beschliessen", None),
    ]
    assert _steps(client, f"measures/{paper.measure_id}", {})[-2:] == [
        ("fva_empfehlen", fva_vote),
        ("beschliessen", None),
    ]
