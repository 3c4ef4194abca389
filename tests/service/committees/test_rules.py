"""The council's input rules hold at every door: control characters, referenced ids, a
meeting that belongs to the committee, who may invite.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.committees import meetings
from service.errors import AccessDenied
from service.invitations.service import send_invitation
from service.runtime import Runtime
from tests import factories as make
from tests.service.browser import post_form, signed_in
from tests.service.council_support import API, actor, assert_problem, committee_id, login
from tests.service.papers.support import trace

BELL, ESCAPE, NEXT_LINE = "\x07", "\x1b", "\x85"  # C0, C0 and C1 control characters


def _meeting(client: TestClient, runtime: Runtime, slug: str = "fva") -> int:
    created = client.post(
        f"{API}/meetings",
        json={
            "committee_id": committee_id(runtime, slug),
            "starts_at": "2026-09-30T17:00:00+02:00",
        },
        headers=login(client, "sitzungsdienst"),
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_control_characters_are_refused_in_every_council_text(
    client: TestClient, demo: Runtime
) -> None:
    office, admin = login(client, "sitzungsdienst"), login(client, "admin")
    meeting = _meeting(client, demo)
    fva = committee_id(demo, "fva")
    person = client.get(f"{API}/persons", params={"limit": 1}, headers=office).json()["items"][0]

    for path, body, headers in (
        (
            "/committees",
            {"slug": "hfa", "name": f"Haupt{BELL}", "short_name": "HA", "kind": "ausschuss"},
            office,
        ),
        (
            f"/committees/{fva}/memberships",
            {"person_id": person["id"], "role": f"vor{ESCAPE}sitz"},
            office,
        ),
        ("/persons", {"family_name": f"Müller{NEXT_LINE}"}, admin),
        (
            "/meetings",
            {
                "committee_id": fva,
                "starts_at": "2026-10-07T17:00:00+02:00",
                "location": f"Saal{BELL}",
            },
            office,
        ),
        (f"/meetings/{meeting}/agenda-items", {"number": "Ö 1", "title": "Zeile\neins"}, office),
    ):
        refused = client.post(f"{API}{path}", json=body, headers=headers)
        assert "Steuerzeichen" in assert_problem(refused, 422)["detail"], path
    changed = client.patch(
        f"{API}/persons/{person['id']}", json={"title": f"Dr.{BELL}"}, headers=admin
    )
    assert_problem(changed, 422)


def test_a_meeting_of_another_committee_cannot_hold_a_step_of_the_beratungsfolge(
    client: TestClient, demo: Runtime
) -> None:
    council_meeting = _meeting(client, demo, "stadtrat")
    paper = make.paper(demo)
    step = {
        "committee_id": committee_id(demo, "fva"),
        "role": "vorberatung",
        "meeting_id": council_meeting,
    }
    office = signed_in(demo, "sitzungsdienst")
    before = trace(demo, paper, [])

    by_api = client.post(
        f"{API}/papers/{paper}/consultations", json=step, headers=login(client, "sitzungsdienst")
    )
    by_form = post_form(
        office,
        f"/vorlagen/{paper}",
        f"/vorlagen/{paper}/beratungsfolge",
        {
            "gremium": str(step["committee_id"]),
            "rolle": "vorberatung",
            "sitzung": str(council_meeting),
        },
    )

    # Named by committee and date, the committees by name: never "Sitzung 4" or "FVA".
    said = "gehört zum Gremium „Stadtrat“, nicht zum Gremium „Finanz- und Verwaltungsausschuss“"
    assert said in assert_problem(by_api, 422)["detail"]
    assert by_form.status_code == 422 and said in by_form.text
    assert f"Sitzung {council_meeting}" not in by_form.text
    assert trace(demo, paper, []) == before


def test_unknown_persons_and_papers_are_named_not_stored(client: TestClient, demo: Runtime) -> None:
    office = login(client, "sitzungsdienst")
    meeting = _meeting(client, demo)
    fva = committee_id(demo, "fva")
    for path, body, method in (
        (f"/committees/{fva}/memberships", {"person_id": 999_999}, "POST"),
        (
            f"/meetings/{meeting}/agenda-items",
            {"number": "Ö 2", "title": "x", "paper_id": 999_999},
            "POST",
        ),
        (
            f"/meetings/{meeting}/attendance",
            {"entries": [{"person_id": 999_999, "status": "anwesend"}]},
            "PUT",
        ),
    ):
        refused = client.request(method, f"{API}{path}", json=body, headers=office)
        assert "999999" in assert_problem(refused, 422)["detail"], path


def test_invitations_are_the_sitzungsdienst_s_to_send(demo: Runtime, client: TestClient) -> None:
    meeting = _meeting(client, demo)
    with pytest.raises(AccessDenied), demo.write() as c:
        send_invitation(demo, c, actor(demo, "ag.leitung"), meeting)
    with demo.write() as c:
        sent = send_invitation(demo, c, actor(demo, "sitzungsdienst"), meeting)
    assert sent.invited == 11 and not sent.late
    with demo.read() as c:
        assert meetings.get_meeting(c, demo.body_id, meeting).invitation_sent_at == demo.now()
