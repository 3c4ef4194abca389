"""Papers through HTTP on the demo city: Beratungsfolge, votes that move measures, errors.

The replay builds a fresh paper the way the Stadt Aschersleben built VII/0680/24 (FVA
advises 9/0/0, the Stadtrat decides einstimmig), then checks what the public sees. Every
refused request must leave papers, measures, votes and the audit trail as they were.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.audit.verify import verify_chain
from service.demo import data
from service.measures.service import fire as fire_measure
from service.measures.service import get_measure
from service.papers.models import Vote
from service.papers.service import get_paper
from service.runtime import Runtime
from tests import factories as make
from tests.service.council_support import (
    API,
    EVIL,
    actor,
    assert_problem,
    audit_count,
    committee_id,
    login,
)

votes = Vote.__table__  # type: ignore[attr-defined]
STAFF_NAMES = [p.family_name for p in data.STAFF] + [u.username for u in data.STAFF if u.username]


def ready_measures(runtime: Runtime, count: int) -> list[int]:
    """Measures in ``ag_pruefung`` whose analysis is complete and that need no statement."""
    ids = [make.measure(runtime, code=make.unique("R-"), public=True) for _ in range(count)]
    lead = actor(runtime, "ag.leitung")
    with runtime.write() as c:
        for measure_id in ids:
            fire_measure(runtime, c, lead, measure_id, "einreichen")
    return ids


def measure_states(runtime: Runtime, ids: list[int]) -> list[str]:
    with runtime.read() as c:
        return [get_measure(c, m).state for m in ids]


def vote_count(runtime: Runtime) -> int:
    with runtime.read() as c:
        return int(c.execute(select(func.count()).select_from(votes)).scalar_one())


@dataclass
class Council:
    client: TestClient
    runtime: Runtime
    session: dict[str, str]
    lead: dict[str, str]

    def post(self, path: str, body: Any, auth: dict[str, str] | None = None) -> Any:
        return self.client.post(API + path, json=body, headers=auth or self.session)

    def members(self, slug: str) -> list[int]:
        cid = committee_id(self.runtime, slug)
        page = self.client.get(f"{API}/committees/{cid}/memberships", headers=self.session)
        assert page.status_code == 200, page.text
        return [m["person_id"] for m in page.json()["items"] if m["voting_right"]]


@pytest.fixture
def council(client: TestClient, demo: Runtime) -> Council:
    return Council(client, demo, login(client, "sitzungsdienst"), login(client, "ag.leitung"))


def paper_in_fva(council: Council, measures: list[int], public: bool = True) -> dict[str, Any]:
    """A new paper with Beratungsfolge FVA, then Stadtrat, carrying ``measures``, at the FVA."""
    created = council.post(
        "/papers",
        {
            "reference": make.unique("VII/"),
            "title": "Arbeitspapier Eigenbetriebe",
            "public": public,
        },
    )
    assert created.status_code == 201, created.text
    paper = created.json()
    assert (paper["state"], paper["version"]) == ("entwurf", 1)
    steps = []
    for slug, role in (("fva", "vorberatung"), ("stadtrat", "entscheidung")):
        step = council.post(
            f"/papers/{paper['id']}/consultations",
            {"committee_id": committee_id(council.runtime, slug), "role": role},
        )
        assert step.status_code == 201, step.text
        steps.append(step.json())
    assert [s["position"] for s in steps] == [1, 2]
    assert [s["authoritative"] for s in steps] == [False, True]
    carried = council.post(
        f"/papers/{paper['id']}/measures", {"measure_ids": measures}, council.lead
    )
    assert carried.status_code == 200, carried.text
    assert carried.json()["measure_ids"] == sorted(measures)
    sent = council.post(
        f"/papers/{paper['id']}/transitions",
        {"event": "in_vorberatung_geben", "version": 1, "data": {"sitzung_am": "2026-08-26"}},
        council.lead,
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["carried_measure_ids"] == sorted(measures)
    return {"id": paper["id"], "fva": steps[0]["id"], "rat": steps[1]["id"], "version": 2}


def test_replay_fva_advises_stadtrat_decides_and_carried_measures_follow(
    council: Council, demo: Runtime
) -> None:
    measures = ready_measures(demo, 2)
    fva_meeting = council.post(
        "/meetings",
        {"committee_id": committee_id(demo, "fva"), "starts_at": "2026-08-26T17:00:00+02:00"},
    ).json()
    paper = paper_in_fva(council, measures)
    assert measure_states(demo, measures) == ["fva_beratung"] * 2

    # The FVA treats it in public, a personnel matter behind closed doors.
    public_item = council.post(
        f"/meetings/{fva_meeting['id']}/agenda-items",
        {"number": "Ö 4", "title": "Arbeitspapier Eigenbetriebe", "paper_id": paper["id"]},
    )
    assert public_item.status_code == 201, public_item.text
    assert public_item.json()["consultation_id"] == paper["fva"]  # scheduled by the agenda
    secret = "Personalangelegenheit: Stellenbesetzung Amt 21"
    closed = council.post(
        f"/meetings/{fva_meeting['id']}/agenda-items",
        {"number": "N 1", "title": secret, "public": False},
    )
    assert closed.status_code == 201, closed.text

    fva_present = council.members("fva")[:9]
    advised = council.post(
        f"/papers/{paper['id']}/votes",
        {
            "consultation_id": paper["fva"],
            "held_on": "2026-08-26",
            "version": paper["version"],
            "yes": 9,
            "no": 0,
            "abstain": 0,
            "present_person_ids": fva_present,
            "resolution_number": "FVA/0042/26",
        },
    )
    assert advised.status_code == 201, advised.text
    body = advised.json()
    assert body["vote"]["outcome"] == "angenommen"
    assert (body["vote"]["yes"], body["vote"]["no"], body["vote"]["abstain"]) == (9, 0, 0)
    assert body["vote"]["meeting_id"] == fva_meeting["id"]
    assert body["paper"]["to_state"] == "entscheidung"
    assert [m["to_state"] for m in body["measures"]] == ["stadtrat_beschluss"] * 2
    assert measure_states(demo, measures) == ["stadtrat_beschluss"] * 2

    decided = council.post(
        f"/papers/{paper['id']}/votes",
        {
            "consultation_id": paper["rat"],
            "held_on": "2026-08-31",
            "version": body["paper"]["version"],
            "unanimous": True,
            "resolution_number": "SR/0815/26",
            "comment": "Einstimmig bestätigt.",
        },
    )
    assert decided.status_code == 201, decided.text
    rat = decided.json()
    assert rat["vote"]["unanimous"] and rat["vote"]["yes"] is None
    assert rat["paper"]["to_state"] == "beschlossen"
    assert [m["event"] for m in rat["measures"]] == ["beschliessen"] * 2
    assert measure_states(demo, measures) == ["haushaltsplanung"] * 2
    with demo.read() as c:
        assert get_measure(c, measures[0]).fields["beschlussnummer"] == "SR/0815/26"
        assert verify_chain(c, demo.chain_key).intact

    # The public sees the decided paper with both votes, but no staff names ...
    public = council.client.get(f"{API}/papers/{paper['id']}")
    assert public.status_code == 200, public.text
    seen = public.json()
    assert seen["state"] == "beschlossen"
    assert [v["resolution_number"] for v in seen["votes"]] == ["FVA/0042/26", "SR/0815/26"]
    assert all(v["recorded_by"] is None for v in seen["votes"])
    assert seen["allowed_transitions"] == []
    council_names = {p["name"] for p in seen["votes"][0]["participants"]}
    assert len(council_names) == 9  # the Oberbürgermeister, staff, is not named publicly
    for name in STAFF_NAMES:
        assert name not in public.text, name
    history = council.client.get(f"{API}/papers/{paper['id']}/history").json()
    assert [h["event"] for h in history] == ["in_vorberatung_geben", "empfehlen", "beschliessen"]
    assert all(h["actor"] is None for h in history)
    # ... while staff see who recorded them.
    internal = council.client.get(f"{API}/papers/{paper['id']}", headers=council.session).json()
    assert {v["recorded_by"] for v in internal["votes"]} == {"sitzungsdienst"}

    # The public agenda of the FVA lacks the closed part completely.
    agenda = council.client.get(f"{API}/meetings/{fva_meeting['id']}")
    assert [a["number"] for a in agenda.json()["agenda"]] == ["Ö 4"]
    assert secret not in agenda.text and "N 1" not in agenda.text
    staff_agenda = council.client.get(
        f"{API}/meetings/{fva_meeting['id']}", headers=council.session
    ).json()
    assert [a["number"] for a in staff_agenda["agenda"]] == ["Ö 4", "N 1"]


def test_a_vote_retried_with_the_same_idempotency_key_is_recorded_once(
    council: Council, demo: Runtime
) -> None:
    measures = ready_measures(demo, 1)
    paper = paper_in_fva(council, measures)
    body = {
        "consultation_id": paper["fva"],
        "held_on": "2026-08-26",
        "version": paper["version"],
        "yes": 9,
        "no": 0,
        "abstain": 0,
        "present_person_ids": council.members("fva")[:9],
        "resolution_number": "FVA/0043/26",
    }
    retry = {**council.session, "Idempotency-Key": "fva-2026-08-26-top-4"}
    votes_before = vote_count(demo)
    first = council.client.post(f"{API}/papers/{paper['id']}/votes", json=body, headers=retry)
    second = council.client.post(f"{API}/papers/{paper['id']}/votes", json=body, headers=retry)

    assert first.status_code == second.status_code == 201, first.text
    assert second.content == first.content
    assert second.headers["Idempotent-Replayed"] == "true"
    assert vote_count(demo) == votes_before + 1
    assert measure_states(demo, measures) == ["stadtrat_beschluss"]


def test_a_vote_key_reused_with_other_numbers_is_refused(council: Council, demo: Runtime) -> None:
    """A key sent again with another count is a client's mistake, never the first answer:
    422, and the vote stands as first recorded."""
    measures = ready_measures(demo, 1)
    paper = paper_in_fva(council, measures)
    body = {
        "consultation_id": paper["fva"],
        "held_on": "2026-08-26",
        "version": paper["version"],
        "yes": 9,
        "no": 0,
        "abstain": 0,
        "present_person_ids": council.members("fva")[:9],
    }
    retry = {**council.session, "Idempotency-Key": "fva-2026-08-26-top-5"}
    url = f"{API}/papers/{paper['id']}/votes"
    assert council.client.post(url, json=body, headers=retry).status_code == 201
    before = (audit_count(demo), vote_count(demo))

    other = council.client.post(url, json={**body, "yes": 8, "abstain": 1}, headers=retry)

    assert_problem(other, 422, "idempotenz-schluessel-wiederverwendet")
    assert (audit_count(demo), vote_count(demo)) == before


def test_a_vote_without_quorum_explains_the_quorum_and_changes_nothing(
    council: Council, demo: Runtime
) -> None:
    measures = ready_measures(demo, 1)
    paper = paper_in_fva(council, measures)
    before = (audit_count(demo), vote_count(demo), measure_states(demo, measures))
    refused = council.post(
        f"/papers/{paper['id']}/votes",
        {
            "consultation_id": paper["fva"],
            "held_on": "2026-08-26",
            "version": paper["version"],
            "present": 5,
            "yes": 5,
            "no": 0,
            "abstain": 0,
        },
    )
    problem = assert_problem(refused, 422, "nicht-beschlussfaehig")
    assert problem["quorum"] == {"voting_members": 11, "present": 5, "required_present": 6}
    assert "nur 5 von 11" in problem["detail"] and "mindestens 6" in problem["detail"]
    assert (audit_count(demo), vote_count(demo), measure_states(demo, measures)) == before
    with demo.read() as c:
        assert get_paper(c, paper["id"]).version == paper["version"]


def test_a_measure_that_cannot_follow_blocks_the_vote_by_name_and_nothing_changes(
    council: Council, demo: Runtime
) -> None:
    follows, sent_back = ready_measures(demo, 2)
    paper = paper_in_fva(council, [follows, sent_back])
    # Out of band, the FVA's Sitzungsdienst sent one measure back to the AG.
    with demo.write() as c:
        fire_measure(
            demo,
            c,
            actor(demo, "sitzungsdienst"),
            sent_back,
            "zurueckverweisen",
            comment="Kosten unklar.",
        )
    before = (audit_count(demo), vote_count(demo), measure_states(demo, [follows, sent_back]))
    with demo.read() as c:
        code = get_measure(c, sent_back).code
    refused = council.post(
        f"/papers/{paper['id']}/votes",
        {
            "consultation_id": paper["fva"],
            "held_on": "2026-08-26",
            "version": paper["version"],
            "present": 9,
            "yes": 9,
            "no": 0,
            "abstain": 0,
        },
    )
    problem = assert_problem(refused, 409, "massnahmen-blockieren")
    assert [b["id"] for b in problem["blocked"]] == [sent_back]
    assert code in problem["blocked"][0]["title"] and code in problem["detail"]
    assert (audit_count(demo), vote_count(demo), measure_states(demo, [follows, sent_back])) == (
        before
    )
    with demo.read() as c:
        assert get_paper(c, paper["id"]).state == "vorberatung"


def test_the_beratungsfolge_and_the_version_guard_the_vote(council: Council, demo: Runtime) -> None:
    paper = paper_in_fva(council, ready_measures(demo, 1))
    counted = {"held_on": "2026-08-26", "present": 9, "yes": 9, "no": 0, "abstain": 0}
    members = council.members("fva")[:8]  # a logged read (the OB is among them): not after
    before = (audit_count(demo), vote_count(demo))
    too_early = council.post(
        f"/papers/{paper['id']}/votes",
        {**counted, "consultation_id": paper["rat"], "version": paper["version"]},
    )
    assert "FVA" in assert_problem(too_early, 409, "beratungsfolge-nicht-eingehalten")["detail"]
    stale = council.post(
        f"/papers/{paper['id']}/votes",
        {**counted, "consultation_id": paper["fva"], "version": 1},
    )
    assert_problem(stale, 409, "veraltete-version")
    stranger = council.post(
        f"/papers/{paper['id']}/votes",
        {
            **counted,
            "consultation_id": paper["fva"],
            "version": paper["version"],
            "present": None,
            "present_person_ids": [*members, 999_999],
        },
    )
    assert assert_problem(stranger, 422, "abstimmung-ungueltig")["fields"][0]["field"] == (
        "present_person_ids"
    )
    assert (audit_count(demo), vote_count(demo)) == before


def test_the_public_never_sees_a_non_public_paper_or_its_votes(
    council: Council, demo: Runtime
) -> None:
    paper = paper_in_fva(council, ready_measures(demo, 1), public=False)
    anonymous = council.client
    assert_problem(anonymous.get(f"{API}/papers/{paper['id']}"), 404, "nicht-gefunden")
    listed = anonymous.get(f"{API}/papers", params={"limit": 200}).json()
    assert paper["id"] not in [p["id"] for p in listed["items"]]
    staff = anonymous.get(f"{API}/papers", params={"state": "vorberatung"}, headers=council.lead)
    assert [p["id"] for p in staff.json()["items"]] == [paper["id"]]


def test_script_and_sql_looking_text_is_stored_and_returned_verbatim(
    council: Council, demo: Runtime
) -> None:
    created = council.post(
        "/papers", {"reference": "VII/1/26", "title": EVIL, "reasoning": EVIL, "public": True}
    )
    assert created.status_code == 201, created.text
    paper = council.client.get(f"{API}/papers/{created.json()['id']}").json()
    assert paper["title"] == EVIL and paper["reasoning"] == EVIL
    committee = council.post(
        "/committees", {"slug": "x", "name": EVIL, "short_name": "X", "kind": "ausschuss"}
    ).json()
    assert council.client.get(f"{API}/committees/{committee['id']}").json()["name"] == EVIL
    person = council.post("/persons", {"family_name": EVIL, "given_name": EVIL}).json()
    read = council.client.get(f"{API}/persons/{person['id']}", headers=council.session).json()
    assert read["family_name"] == EVIL
    found = council.client.get(f"{API}/papers", params={"reference": "VII/1/2"}).json()
    assert [p["title"] for p in found["items"]] == [EVIL]
    assert council.client.get(f"{API}/papers", params={"reference": EVIL}).json()["items"] == []
    with demo.read() as c:
        assert verify_chain(c, demo.chain_key).intact


def test_paper_pages_walk_every_paper_once_in_the_chosen_order(
    council: Council, demo: Runtime
) -> None:
    for n in (3, 1, 2):
        created = council.post("/papers", {"reference": f"VIII/000{n}/26", "title": f"P{n}"})
        assert created.status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params = {"sort": "-reference", "limit": 2, "reference": "VIII/"}
        page = council.client.get(
            f"{API}/papers", params={**params, **({"cursor": cursor} if cursor else {})}
        ).json()
        seen += [p["reference"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["VIII/0003/26", "VIII/0002/26", "VIII/0001/26"]
    other = council.client.get(
        f"{API}/papers", params={"sort": "id", "cursor": page_cursor(council)}
    )
    assert assert_problem(other, 422, "angaben-fehlen")["fields"][0]["field"] == "cursor"
    assert_problem(council.client.get(f"{API}/papers", params={"sort": "title"}), 422)


@pytest.mark.parametrize(
    ("path", "sort", "value"),
    [
        ("/papers", "reference", None),
        ("/papers", "id", 2**40),
        ("/persons", "-family_name", None),
        ("/meetings", "starts_at", "2024-02-21T16:00:00"),
        ("/committees", "name", ["x"]),
    ],
)
def test_a_forged_cursor_is_a_422_naming_the_cursor(
    council: Council, path: str, sort: str, value: Any
) -> None:
    forged = base64.urlsafe_b64encode(json.dumps({"s": sort, "v": value, "id": 1}).encode())
    response = council.client.get(
        API + path, params={"sort": sort, "cursor": forged.decode()}, headers=council.session
    )
    assert assert_problem(response, 422, "angaben-fehlen")["fields"][0]["field"] == "cursor"


def page_cursor(council: Council) -> str:
    page = council.client.get(f"{API}/papers", params={"sort": "-reference", "limit": 1}).json()
    return str(page["next_cursor"])
