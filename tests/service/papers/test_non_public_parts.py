"""What a public paper and its measures show of the non-public parts around them: the votes
of a non-public session, the free-text comments of their history, the internal AG's
meetings. Whoever may not see such a part gets nothing of it at any door (API, public page,
OParl); a council member who may see a non-public vote reads it logged."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.browser import signed_in
from tests.service.council_support import API, actor, committee_id, login
from tests.service.papers.support import PaperInCouncil, paper_in_fva, reads, version_of

RESOLUTION_NUMBER = "SR/0815/26"
DECISION_TEXT = "Der Stadtrat beschließt den Grundstückstausch am Bahnhofsvorplatz."
VOTE_COMMENT = "Beratung mit dem Bieter Herrn Krause"
STEP_COMMENT = "Rücksprache mit Frau Neumann (intern) erfolgt"
SECRETS = (RESOLUTION_NUMBER, DECISION_TEXT, VOTE_COMMENT)


def _closed_session(
    client: TestClient, runtime: Runtime, paper_id: int, slug: str, at: str
) -> None:
    """A session of ``slug`` that treats the paper in its non-public part."""
    office = login(client, "sitzungsdienst")
    meeting = client.post(
        f"{API}/meetings",
        json={"committee_id": committee_id(runtime, slug), "starts_at": at},
        headers=office,
    )
    assert meeting.status_code == 201, meeting.text
    item = client.post(
        f"{API}/meetings/{meeting.json()['id']}/agenda-items",
        json={"number": "N 1", "title": "Bahnhofsvorplatz", "paper_id": paper_id, "public": False},
        headers=office,
    )
    assert item.status_code == 201, item.text


def _vote(client: TestClient, runtime: Runtime, paper_id: int, step: int, **vote: Any) -> None:
    voted = client.post(
        f"{API}/papers/{paper_id}/votes",
        json={"consultation_id": step, "version": version_of(runtime, "paper", paper_id), **vote},
        headers=login(client, "sitzungsdienst"),
    )
    assert voted.status_code == 201, voted.text


def _decided_in_closed_sessions(client: TestClient, runtime: Runtime) -> PaperInCouncil:
    """A public paper carrying a public measure, recommended by the FVA and adopted by the
    Stadtrat, both in the non-public part of their sessions."""
    paper = paper_in_fva(client, runtime)
    _closed_session(client, runtime, paper.id, "fva", "2026-08-26T17:00:00+02:00")
    _closed_session(client, runtime, paper.id, "stadtrat", "2026-08-27T17:00:00+02:00")
    _vote(client, runtime, paper.id, paper.fva_step, held_on="2026-08-26", unanimous=True)
    _vote(
        client,
        runtime,
        paper.id,
        paper.council_step,
        held_on="2026-08-27",
        unanimous=True,
        resolution_number=RESOLUTION_NUMBER,
        decision_text=DECISION_TEXT,
        comment=VOTE_COMMENT,
    )
    return paper


def _assert_hides_the_votes(texts: dict[str, str]) -> None:
    for door, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, (door, secret)


def test_votes_of_a_non_public_session_reach_no_anonymous_caller(
    client: TestClient, demo: Runtime
) -> None:
    paper = _decided_in_closed_sessions(client, demo)
    staff = client.get(f"{API}/papers/{paper.id}", headers=login(client, "ag.leitung")).json()
    assert staff["fields"]["beschlussnummer"] == RESOLUTION_NUMBER  # it was recorded

    detail = client.get(f"{API}/papers/{paper.id}").json()
    assert detail["votes"] == []
    assert "abstimmungsergebnis" not in detail["fields"]
    assert "beschlussnummer" not in detail["fields"]
    assert [c["result"] for c in detail["consultations"]] == [None, None]
    measure = client.get(f"{API}/measures/{paper.measure_id}").json()
    assert "beschlussnummer" not in measure["fields"]
    assert measure["baseline"]["resolution_number"] is None
    page = client.get(f"/oeffentlich/vorlagen/{paper.id}").text
    assert "angenommen" not in page
    _assert_hides_the_votes(
        {
            "paper": str(detail),
            "paper history": client.get(f"{API}/papers/{paper.id}/history").text,
            "measure": str(measure),
            "measure history": client.get(f"{API}/measures/{paper.measure_id}/history").text,
            "public paper page": page,
            "oparl": client.get(f"/oparl/v1/paper/{paper.id}").text,
        }
    )


def test_a_council_member_reading_the_history_of_a_non_public_vote_is_logged(
    client: TestClient, demo: Runtime
) -> None:
    paper = _decided_in_closed_sessions(client, demo)
    member = actor(demo, "rat.mitglied")
    before = reads(demo)
    history = client.get(
        f"{API}/papers/{paper.id}/history", headers=login(client, "rat.mitglied")
    ).json()
    decided = next(e for e in history if e["event"] == "beschliessen")
    assert decided["data"]["beschlussnummer"] == RESOLUTION_NUMBER
    assert reads(demo) == [*before, ("paper.read", paper.id, member.user_id)]


def _commented_public_measure(client: TestClient, runtime: Runtime) -> PaperInCouncil:
    """A public paper at the FVA, adjourned with an internal comment: the step is carried to
    its public measure with the comment."""
    paper = paper_in_fva(client, runtime)
    adjourned = client.post(
        f"{API}/papers/{paper.id}/transitions",
        json={
            "event": "vertagen",
            "version": version_of(runtime, "paper", paper.id),
            "data": {"sitzung_am": "2026-09-23"},
            "comment": STEP_COMMENT,
        },
        headers=login(client, "sitzungsdienst"),
    )
    assert adjourned.status_code == 200, adjourned.text
    return paper


def test_history_comments_are_hidden_from_callers_who_may_not_see_staff_names(
    client: TestClient, demo: Runtime
) -> None:
    paper = _commented_public_measure(client, demo)
    member = login(client, "rat.mitglied")
    for headers in ({}, member):
        for kind, item_id in (("papers", paper.id), ("measures", paper.measure_id)):
            history = client.get(f"{API}/{kind}/{item_id}/history", headers=headers).json()
            assert history, kind
            assert all(e["comment"] is None and e["actor"] is None for e in history), kind
    assert STEP_COMMENT not in client.get(f"/oeffentlich/massnahmen/{paper.measure_id}").text
    her_page = signed_in(demo, "rat.mitglied").get(f"/vorlagen/{paper.id}")
    assert her_page.status_code == 200 and STEP_COMMENT not in her_page.text
    staff = client.get(
        f"{API}/measures/{paper.measure_id}/history", headers=login(client, "ag.leitung")
    ).json()
    assert staff[-1]["comment"] == STEP_COMMENT


def test_a_public_paper_does_not_reveal_the_internal_ag_meeting(
    client: TestClient, demo: Runtime
) -> None:
    office = login(client, "sitzungsdienst")
    paper = paper_in_fva(client, demo)
    meeting = client.post(
        f"{API}/meetings",
        json={
            "committee_id": committee_id(demo, "ag-digitalisierung"),
            "starts_at": "2026-12-15T15:00:00+01:00",
        },
        headers=office,
    ).json()
    planned = client.post(
        f"{API}/papers/{paper.id}/consultations",
        json={
            "committee_id": committee_id(demo, "ag-digitalisierung"),
            # After the Stadtrat's Entscheidung only a Kenntnisnahme may follow.
            "role": "kenntnisnahme",
            "meeting_id": meeting["id"],
        },
        headers=office,
    )
    assert planned.status_code == 201, planned.text
    assert client.get(f"{API}/meetings/{meeting['id']}").status_code == 404
    staff = client.get(f"{API}/papers/{paper.id}", headers=office).json()
    assert meeting["id"] in {c["meeting_id"] for c in staff["consultations"]}

    for headers in ({}, login(client, "rat.mitglied")):
        detail = client.get(f"{API}/papers/{paper.id}", headers=headers).json()
        assert [c["committee_id"] for c in detail["consultations"]] == [
            committee_id(demo, "fva"),
            committee_id(demo, "stadtrat"),
        ]
        assert "Digitalisierung der Verwaltung" not in str(detail["consultations"])
    page = client.get(f"/oeffentlich/vorlagen/{paper.id}").text
    assert "15.12.2026" not in page and "Vorberatung 15" not in page


FVA_TEXT = "Der FVA empfiehlt den Grundstückstausch mit dem Bieter."
COUNCIL_TEXT = "Der Stadtrat beschließt die Eigenbetriebssatzung."


def test_a_correction_of_a_non_public_vote_is_hidden_from_anonymous_callers_like_the_vote(
    client: TestClient, demo: Runtime
) -> None:
    # On the same day the FVA recommends in the non-public part of its session and the
    # Stadtrat decides in public; both votes are corrected. Each history entry goes with its
    # own vote, not with another vote of its day.
    paper = paper_in_fva(client, demo)
    _closed_session(client, demo, paper.id, "fva", "2026-08-26T17:00:00+02:00")
    _vote(client, demo, paper.id, paper.fva_step, held_on="2026-08-26", unanimous=True)
    _vote(client, demo, paper.id, paper.council_step, held_on="2026-08-26", unanimous=True)
    office = login(client, "sitzungsdienst")
    shown_votes = client.get(f"{API}/papers/{paper.id}", headers=office).json()["votes"]
    for vote, text in zip(shown_votes, (FVA_TEXT, COUNCIL_TEXT), strict=True):
        corrected = client.patch(
            f"{API}/papers/{paper.id}/votes/{vote['id']}",
            json={"reason": "Laut Niederschrift", "decision_text": text},
            headers=office,
        )
        assert corrected.status_code == 200, corrected.text

    staff = client.get(f"{API}/papers/{paper.id}/history", headers=office).json()
    anonymous = client.get(f"{API}/papers/{paper.id}/history").json()
    assert [e["event"] for e in anonymous] == [e["event"] for e in staff]
    by_event = [(e["event"], e["data"]) for e in anonymous][1:]
    assert by_event == [
        ("empfehlen", {}),
        ("beschliessen", {"abstimmungsergebnis": "angenommen"}),
        ("abstimmung_berichtigen", {}),
        ("abstimmung_berichtigen", {"beschlusstext": COUNCIL_TEXT}),
    ]
    assert FVA_TEXT not in client.get(f"/oeffentlich/vorlagen/{paper.id}").text
    measure_steps = client.get(f"{API}/measures/{paper.measure_id}/history").json()
    assert [(e["event"], e["data"]) for e in measure_steps][-2:] == [
        ("fva_empfehlen", {}),
        ("beschliessen", {"abstimmungsergebnis": "angenommen"}),
    ]
