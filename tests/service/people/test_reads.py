"""Every read of a person's record leaves one access event, committed before the answer.

``people.service.read_person`` and ``read_persons`` log ``person.read`` for staff (the
public sees council members' public part only, unlogged); the Art. 15 disclosure logs
``audit.disclosure``. When the event cannot be written, nothing is shown: 503.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.runtime import Runtime
from tests.service.api.council_support import API, actor, assert_problem, login
from tests.service.papers.support import audit_events, reads
from tests.service.reads import audit_fails


def _staff_ids(client: TestClient, headers: dict[str, str]) -> list[int]:
    page = client.get(f"{API}/persons", params={"is_staff": True, "limit": 3}, headers=headers)
    assert page.status_code == 200, page.text
    return [p["id"] for p in page.json()["items"]]


def test_each_read_of_a_person_record_and_list_leaves_one_access_event(
    client: TestClient, demo: Runtime
) -> None:
    reader = login(client, "kaemmerei")
    user = actor(demo, "kaemmerei").user_id
    before = reads(demo)
    shown = _staff_ids(client, reader)
    assert reads(demo) == [*before, ("person.read", None, user)]

    assert client.get(f"{API}/persons/{shown[0]}", headers=reader).status_code == 200
    assert reads(demo) == [*before, ("person.read", None, user), ("person.read", shown[0], user)]


def test_the_art_15_disclosure_leaves_one_access_event_naming_the_person(
    client: TestClient, demo: Runtime
) -> None:
    dsb = login(client, "datenschutz")
    person = _staff_ids(client, dsb)[0]
    before = reads(demo), len(_disclosures(demo))

    answer = client.get(
        f"{API}/audit/persons/{person}/disclosure",
        params={"purpose": "Auskunftsersuchen Az. 2026-17"},
        headers=dsb,
    )

    assert answer.status_code == 200, answer.text
    assert (reads(demo), len(_disclosures(demo))) == (before[0], before[1] + 1)
    assert _disclosures(demo)[-1] == person


def _disclosures(runtime: Runtime) -> list[int | None]:
    with runtime.read() as c:
        query = select(audit_events.c.entity_id).where(audit_events.c.action == "audit.disclosure")
        return list(c.execute(query.order_by(audit_events.c.seq)).scalars())


def test_a_person_record_is_not_shown_when_its_read_cannot_be_logged(
    client: TestClient, demo: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = login(client, "kaemmerei")
    person = _staff_ids(client, reader)[0]

    audit_fails(monkeypatch)
    record = client.get(f"{API}/persons/{person}", headers=reader)
    listing = client.get(f"{API}/persons", headers=reader)

    for answer in (record, listing):
        problem = assert_problem(answer, 503, "zugriff-nicht-protokolliert")
        assert "@aschersleben.example" not in answer.text
        assert answer.headers["Retry-After"] == "5", problem


def test_the_public_reads_council_members_unlogged_and_nobody_else(
    client: TestClient, demo: Runtime
) -> None:
    staff = _staff_ids(client, login(client, "kaemmerei"))
    before = reads(demo)
    councillors = client.get(f"{API}/persons", params={"limit": 5}).json()["items"]
    assert client.get(f"{API}/persons/{councillors[0]['id']}").status_code == 200
    assert_problem(client.get(f"{API}/persons/{staff[0]}"), 401, "nicht-angemeldet")
    assert reads(demo) == before
