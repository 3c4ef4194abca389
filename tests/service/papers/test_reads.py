"""Reads of a non-public paper leave one ``paper.read`` each, or show nothing (503).

``papers.reading.read_paper`` serves the API's detail and history and the Vorlage page; the
event is committed before the answer, and when it cannot be written the request answers
503 at either door and shows nothing of the paper.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests import factories as make
from tests.service.api.council_support import API, actor, assert_problem, committee_id, login
from tests.service.papers.support import reads
from tests.service.reads import audit_fails
from tests.service.web.conftest import signed_in

SECRET = "Personalangelegenheit Amt 21"


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
