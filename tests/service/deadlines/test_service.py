"""The Beschlusskontrolle (``/fristen``) through the deadlines service.

The page runs no SQL of its own; the overview names measures, papers and the persons
responsible, so one that shows a non-public measure or paper is a logged read
(``deadline.read``) and shows nothing (503) when that cannot be written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from service.auth.service import actor_for
from service.measures.service import fire
from service.papers.service import fire as fire_paper
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


def test_fristen_showing_a_non_public_papers_deadline_is_logged(demo: Runtime) -> None:
    """A paper sent to the FVA's session of 16.09.2026 is due with the members seven days
    before (the Ladungsfrist); the overview shows it, and a non-public one is logged."""

    def sent(public: bool, title: str) -> str:
        with demo.write() as c:
            paper = factories.paper(demo, c, public=public, title=title)
            data = {"sitzung_am": date(2026, 9, 16)}
            fire_paper(
                demo, c, actor_for(c, "ag.leitung"), paper, "in_vorberatung_geben", data=data
            )
        return title

    with signed_in(demo, READER) as web:
        public = sent(True, "Digitale Sitzungsunterlagen")
        assert public in web.get("/fristen").text
        assert reads(demo, "deadline.read") == []

        hidden = sent(False, "Personalentwicklungskonzept 2027")
        assert hidden in web.get("/fristen").text

    [read] = reads(demo, "deadline.read")
    with demo.read() as c:
        assert read.actor_id == actor_for(c, READER).user_id
