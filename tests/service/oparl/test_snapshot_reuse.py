"""A portal's requests share one published snapshot until the body's data or time moves on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from service.oparl import publishing
from service.runtime import Runtime
from tests import factories
from tests.conftest import FakeClock


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counted: list[int] = []
    real = publishing.build

    def counting(runtime: Runtime, connection):  # type: ignore[no-untyped-def]
        counted.append(1)
        return real(runtime, connection)

    monkeypatch.setattr(publishing, "build", counting)
    return counted


def papers(client: TestClient) -> list[str]:
    body = client.get("/oparl/v1/body").json()["data"][0]
    return [p["reference"] for p in client.get(body["paper"]).json()["data"]]


def test_a_portal_paging_through_the_lists_builds_the_snapshot_once(
    client: TestClient, builds: list[int]
) -> None:
    body = client.get("/oparl/v1/body").json()["data"][0]
    for prop in ("organization", "person", "meeting", "paper"):
        assert client.get(body[prop]).status_code == 200

    assert len(builds) == 1


def test_an_audited_write_is_published_at_the_very_next_request(
    demo: Runtime, client: TestClient, builds: list[int]
) -> None:
    assert papers(client) == ["VII/0680/24"]

    factories.paper(demo, reference="VII/0999/26", title="Neue öffentliche Vorlage")

    assert papers(client) == ["VII/0680/24", "VII/0999/26"]
    assert len(builds) == 2


def test_what_changes_with_time_alone_is_rebuilt_after_a_minute(
    client: TestClient, clock: FakeClock, builds: list[int]
) -> None:
    papers(client)
    clock.advance(publishing.FRESH_FOR - timedelta(seconds=1))
    papers(client)
    assert len(builds) == 1

    clock.advance(timedelta(seconds=1))
    papers(client)
    assert len(builds) == 2
