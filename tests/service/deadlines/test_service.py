"""The Beschlusskontrolle (``/fristen``) through the deadlines service.

The page runs no SQL of its own; the overview names measures and the persons responsible,
so one that shows a non-public measure is a logged read (``deadline.read``) and shows
nothing (503) when that cannot be written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from service.auth.service import actor_for
from service.measures.service import fire
from service.runtime import Runtime
from tests import factories
from tests.conftest import FakeClock
from tests.service.browser import signed_in
from tests.service.reads import audit_fails, reads

READER = "dezernent"


@pytest.fixture
def hidden(demo: Runtime, clock: FakeClock) -> tuple[str, int]:
    """A non-public measure whose AG review (six weeks) is overdue: its code and person."""
    with demo.write() as c:
        person = factories.person(demo, c, given_name="Hanna", family_name="Verborgen")
        code = factories.unique("G-")
        measure_id = factories.measure(
            demo, c, code=code, public=False, responsible_person_id=person
        )
        fire(demo, c, actor_for(c, "ag.leitung"), measure_id, "einreichen")
    clock.advance(timedelta(days=43))
    return code, person


@pytest.fixture
def web(demo: Runtime) -> Iterator[TestClient]:
    """Signed in after ``hidden`` moved the clock (list it first): sessions expire."""
    with signed_in(demo, READER) as client:
        yield client


def test_the_deadline_overview_showing_a_non_public_measure_is_logged(
    demo: Runtime, hidden: tuple[str, int], web: TestClient
) -> None:
    code, person = hidden

    page = web.get("/fristen?ueberfaellig=1")

    assert page.status_code == 200
    assert code in page.text and "Hanna Verborgen" in page.text
    [read] = reads(demo, "deadline.read")
    with demo.read() as c:
        assert read.actor_id == actor_for(c, READER).user_id
    assert person in read.persons


def test_an_overview_of_public_measures_only_is_not_logged(demo: Runtime, web: TestClient) -> None:
    page = web.get("/fristen?ueberfaellig=1")

    assert page.status_code == 200 and "M-07" in page.text
    assert reads(demo, "deadline.read") == []


def test_an_overview_whose_read_cannot_be_logged_answers_503_and_shows_nothing(
    hidden: tuple[str, int], web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit_fails(monkeypatch)

    page = web.get("/fristen?ueberfaellig=1")

    assert page.status_code == 503
    assert hidden[0] not in page.text and "Hanna Verborgen" not in page.text
