"""Anlagen are read like their item: a file of a non-public item is a logged read.

The API and the web page go through the same service read, so each writes one access event
(``attachment.read`` for a download, the owner's ``measure.read`` for the list), committed
before the file is sent; when it cannot be written, nothing is sent (503).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from service.actor import SYSTEM
from service.attachments.service import describe_for_deletion, list_of, remove, upload
from service.auth.service import actor_for
from service.errors import AccessDenied, Conflict
from service.measures import service as measures
from service.measures.models import Measure
from service.papers.service import paper_by_reference
from service.runtime import Runtime
from tests import factories
from tests.service.api_calls import assert_problem, login
from tests.service.browser import signed_in
from tests.service.chain_first import row_is_free, while_chain_held
from tests.service.reads import audit_fails, reads

measure_table = Measure.__table__  # type: ignore[attr-defined]
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
READER = "ag.leitung"


@dataclass(frozen=True)
class Internal:
    measure_id: int
    attachment_id: int
    responsible: int


@pytest.fixture
def internal(demo: Runtime) -> Internal:
    """A non-public measure with a file, its responsible person named."""
    with demo.write() as c:
        person = factories.person(demo, c)
        measure_id = factories.measure(demo, c, public=False, responsible_person_id=person)
    row = upload(demo, SYSTEM, "measure", measure_id, "Vermerk.pdf", PDF)
    return Internal(measure_id, row.id, person)


@pytest.fixture
def api(served_app: FastAPI) -> Iterator[TestClient]:
    """The API on the session's app, serving the test's demo city (a client of its own)."""
    with TestClient(served_app, raise_server_exceptions=False) as client:
        yield client


def user_id(runtime: Runtime, username: str) -> int | None:
    with runtime.read() as c:
        return actor_for(c, username).user_id


@dataclass(frozen=True)
class Door:
    """The API with a token or the web with a session cookie, signed in as ``READER``."""

    name: str
    client: TestClient
    headers: dict[str, str]

    def download(self, item: Internal) -> httpx.Response:
        if self.name == "api":
            url = f"/api/v1/measures/{item.measure_id}/attachments/{item.attachment_id}"
        else:
            url = f"/massnahmen/{item.measure_id}/anlagen/{item.attachment_id}"
        return self.client.get(url, headers=self.headers)


@pytest.fixture(params=["api", "web"])
def door(request: pytest.FixtureRequest, demo: Runtime, api: TestClient) -> Iterator[Door]:
    if request.param == "api":
        yield Door("api", api, login(api, READER))
        return
    with signed_in(demo, READER) as web:
        yield Door("web", web, {})


def test_downloading_an_attachment_of_a_non_public_item_is_logged(
    demo: Runtime, door: Door, internal: Internal
) -> None:
    response = door.download(internal)

    assert response.status_code == 200
    assert response.content == PDF
    [read] = reads(demo, "attachment.read")
    assert read.actor_id == user_id(demo, READER)
    assert read.entity_id == internal.attachment_id
    assert internal.responsible in read.persons


def test_an_attachment_download_that_cannot_be_logged_answers_503_and_sends_nothing(
    door: Door, internal: Internal, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit_fails(monkeypatch)

    response = door.download(internal)

    assert response.status_code == 503
    assert "nicht im Protokoll vermerkt" in response.text
    assert PDF not in response.content
    assert response.headers["retry-after"] == "5"


def test_listing_the_attachments_of_a_non_public_measure_is_logged(
    demo: Runtime, api: TestClient, internal: Internal
) -> None:
    response = api.get(
        f"/api/v1/measures/{internal.measure_id}/attachments", headers=login(api, READER)
    )

    assert response.status_code == 200
    assert [a["filename"] for a in response.json()] == ["Vermerk.pdf"]
    [read] = reads(demo, "measure.read")[-1:]
    assert (read.actor_id, read.entity_id) == (user_id(demo, READER), internal.measure_id)


def test_a_file_of_a_public_item_is_not_logged(demo: Runtime, api: TestClient) -> None:
    with demo.read() as c:
        paper_id = paper_by_reference(c, "VII/0680/24").id
    listed = api.get(f"/api/v1/papers/{paper_id}/attachments", headers=login(api, READER))
    [attachment] = listed.json()

    response = api.get(attachment["download"], headers=login(api, READER))

    assert response.status_code == 200
    assert reads(demo, "attachment.read") == []
    assert reads(demo, "paper.read") == []


def test_a_hidden_items_file_stays_hidden_from_the_public_and_unlogged(
    demo: Runtime, api: TestClient, internal: Internal
) -> None:
    url = f"/api/v1/measures/{internal.measure_id}/attachments/{internal.attachment_id}"

    assert_problem(api.get(url), 404)
    assert reads(demo, "attachment.read") == []


def test_the_service_itself_refuses_a_file_on_someone_elses_measure_to_an_ag_member(
    demo: Runtime, internal: Internal
) -> None:
    with demo.read() as c:
        member = actor_for(c, "ag.mitglied")

    with pytest.raises(AccessDenied):
        upload(demo, member, "measure", internal.measure_id, "Notiz.pdf", PDF)
    with pytest.raises(AccessDenied), demo.write() as c:
        remove(demo, c, member, "measure", internal.measure_id, internal.attachment_id)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.postgres
def test_removing_an_attachment_waits_for_the_chain_lock_before_it_touches_the_row(
    demo: Runtime, internal: Internal
) -> None:
    def act() -> None:
        with demo.write() as c:
            remove(demo, c, SYSTEM, "measure", internal.measure_id, internal.attachment_id)

    waiting = while_chain_held(
        demo, act, lambda: row_is_free(demo, "attachments", internal.attachment_id)
    )
    assert waiting.changes == []
    assert waiting.probe, "the attachment was deleted before the chain lock"
    with demo.read() as c:
        assert list_of(c, "measure", internal.measure_id) == []


@pytest.mark.parametrize("state", ["haushaltsplanung", "umsetzung", "abgeschlossen", "abgelehnt"])
def test_measure_attachment_deletable_after_decision(
    demo: Runtime, internal: Internal, state: str
) -> None:
    """Regression: the service deleted a measure's Anlage after the Stadtrat's decision;
    from the decision on it is part of the record, for every door and the console alike."""
    with demo.write() as c:
        c.execute(
            update(measure_table).where(measure_table.c.id == internal.measure_id),
            {"state": state},
        )
    lead = _actor(demo, "ag.leitung")
    with pytest.raises(Conflict) as refused:
        describe_for_deletion(demo, lead, "measure", internal.measure_id, internal.attachment_id)
    assert refused.value.slug == "anlage-einer-entschiedenen-massnahme"
    assert "„Vermerk.pdf“ wurde nicht gelöscht" in refused.value.detail
    for actor in (lead, SYSTEM):
        with pytest.raises(Conflict), demo.write() as c:
            remove(demo, c, actor, "measure", internal.measure_id, internal.attachment_id)
    with demo.read() as c:
        assert [a.id for a in list_of(c, "measure", internal.measure_id)] == [
            internal.attachment_id
        ]
        code = measures.get_measure(c, internal.measure_id).code
    assert code in refused.value.detail


def test_before_the_decision_a_measures_attachment_is_deleted(
    demo: Runtime, internal: Internal
) -> None:
    for state in ("ag_pruefung", "stadtrat_beschluss"):
        with demo.write() as c:
            c.execute(
                update(measure_table).where(measure_table.c.id == internal.measure_id),
                {"state": state},
            )
        assert measures.is_decided(_measure(demo, internal.measure_id)) is False
    with demo.write() as c:
        remove(
            demo,
            c,
            _actor(demo, "ag.leitung"),
            "measure",
            internal.measure_id,
            internal.attachment_id,
        )
    with demo.read() as c:
        assert list_of(c, "measure", internal.measure_id) == []


def _actor(runtime: Runtime, username: str) -> Any:
    with runtime.read() as c:
        return actor_for(c, username)


def _measure(runtime: Runtime, measure_id: int) -> Any:
    with runtime.read() as c:
        return measures.get_measure(c, measure_id)
