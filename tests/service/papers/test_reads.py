"""Reads of a non-public paper leave one ``paper.read`` each, or show nothing (503).

``papers.reading.read_paper`` serves the API's detail and history and the Vorlage page (with
what its forms offer: sessions of internal groups and non-public measures are not public
either); ``read_papers`` the lists, which log a page that names a non-public paper. The
event is committed before the answer, and when it cannot be written the request answers
503 at either door and shows nothing of the paper.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests import factories as make
from tests.service.browser import signed_in
from tests.service.council_support import API, actor, assert_problem, committee_id, login
from tests.service.papers.support import reads
from tests.service.reads import audit_fails

SECRET = "Personalangelegenheit Amt 21"
PLAIN = "Digitale Sitzungsunterlagen"  # a public paper in its draft


def test_the_history_of_a_non_public_paper_is_a_logged_read(
    client: TestClient, demo: Runtime
) -> None:
    hidden = make.paper(demo, public=False, title=SECRET)
    user = actor(demo, "revision").user_id
    before = reads(demo)

    history = client.get(f"{API}/papers/{hidden}/history", headers=login(client, "revision"))

    assert history.status_code == 200, history.text
    assert reads(demo) == [*before, ("paper.read", hidden, user)]
    assert client.get(f"{API}/papers/{hidden}/history").status_code == 404


def test_a_non_public_paper_or_meeting_is_not_shown_when_its_read_cannot_be_logged(
    client: TestClient, demo: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    hidden = make.paper(demo, public=False, title=SECRET)
    office = login(client, "sitzungsdienst")
    meeting = client.post(
        f"{API}/meetings",
        json={
            "committee_id": committee_id(demo, "ag-digitalisierung"),
            "starts_at": "2026-09-30T15:00:00+02:00",
            "location": SECRET,
        },
        headers=office,
    ).json()["id"]
    page = signed_in(demo, "sitzungsdienst")

    audit_fails(monkeypatch)
    for answer in (
        client.get(f"{API}/papers/{hidden}", headers=office),
        client.get(f"{API}/meetings/{meeting}", headers=office),
    ):
        assert_problem(answer, 503, "zugriff-nicht-protokolliert")
        assert SECRET not in answer.text
    for answer in (page.get(f"/vorlagen/{hidden}"), page.get(f"/sitzungen/{meeting}")):
        assert answer.status_code == 503
        assert "Protokoll" in answer.text and SECRET not in answer.text


def test_paper_lists_showing_a_non_public_paper_are_logged(
    client: TestClient, demo: Runtime
) -> None:
    make.paper(demo, public=False, title=SECRET)
    office = login(client, "sitzungsdienst")
    user = actor(demo, "sitzungsdienst").user_id
    page = signed_in(demo, "sitzungsdienst")
    before = reads(demo)

    listed = client.get(f"{API}/papers", params={"sort": "-id"}, headers=office)
    shown = page.get("/vorlagen")
    assert SECRET in listed.text and SECRET in shown.text
    assert reads(demo) == [*before, *[("paper.read", None, user)] * 2]

    # The public's list, and staff's pages of public papers only: nothing to log.
    assert SECRET not in client.get(f"{API}/papers", params={"sort": "-id"}).text
    first = client.get(f"{API}/papers", params={"sort": "id", "limit": 1}, headers=office)
    assert [p["public"] for p in first.json()["items"]] == [True]
    assert page.get("/vorlagen?zustand=beschlossen").status_code == 200
    assert reads(demo) == [*before, *[("paper.read", None, user)] * 2]


def test_a_public_paper_page_offering_an_internal_session_is_logged(
    client: TestClient, demo: Runtime
) -> None:
    plain = make.paper(demo, title=PLAIN)
    created = client.post(
        f"{API}/meetings",
        json={
            "committee_id": committee_id(demo, "ag-digitalisierung"),
            "starts_at": "2026-09-15T15:00:00+02:00",
        },
        headers=login(client, "sitzungsdienst"),
    )
    assert created.status_code == 201, created.text
    user = actor(demo, "sitzungsdienst").user_id
    before = reads(demo)

    planning = signed_in(demo, "sitzungsdienst").get(f"/vorlagen/{plain}")
    # Who plans no Beratungsfolge is offered no session: the page is public content.
    read = signed_in(demo, "kaemmerei").get(f"/vorlagen/{plain}")

    assert planning.status_code == 200 and "AG Digi, 15.09.2026" in planning.text
    assert read.status_code == 200 and "AG Digi, 15.09.2026" not in read.text
    assert reads(demo) == [*before, ("paper.read", plain, user)]


def test_a_public_paper_page_offering_a_non_public_measure_to_carry_is_logged(
    demo: Runtime,
) -> None:
    plain = make.paper(demo, title=PLAIN)
    code = make.unique("N-")
    make.measure(demo, public=False, code=code, title="Interne Umorganisation")
    user = actor(demo, "ag.leitung").user_id
    before = reads(demo)

    carrying = signed_in(demo, "ag.leitung").get(f"/vorlagen/{plain}")
    read = signed_in(demo, "kaemmerei").get(f"/vorlagen/{plain}")

    assert carrying.status_code == 200 and code in carrying.text
    assert read.status_code == 200 and code not in read.text
    assert reads(demo) == [*before, ("paper.read", plain, user)]
