"""Use cases of several steps ask for the chain lock before their first change (PostgreSQL).

Each of these wrote rows (outbox messages, attendance, carried measures, a status round, an
erased person) and only then, in its audit step, waited for the chain: while another writer
held the chain and wanted one of those rows, PostgreSQL ended one of them as a deadlock.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from service.actor import SYSTEM
from service.audit.owner import owner_transaction
from service.committees.attendance import record_attendance
from service.committees.models import Meeting
from service.invitations.service import send_invitation
from service.papers.carrying import attach_measures
from service.people.erasure import erase_person
from service.runtime import Runtime
from service.scheduler.half_year import open_round
from tests import factories
from tests.service.chain_first import while_chain_held

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]


@pytest.fixture
def on_demo_city() -> bool:
    return True


def _a_meeting(runtime: Runtime) -> int:
    with runtime.read() as c:
        table = Meeting.__table__  # type: ignore[attr-defined]
        return int(c.execute(select(table.c.id).order_by(table.c.id).limit(1)).scalar_one())


def _sending_an_invitation(runtime: Runtime) -> Callable[[], object]:
    meeting_id = _a_meeting(runtime)

    def act() -> None:
        with runtime.write() as c:
            send_invitation(runtime, c, SYSTEM, meeting_id)

    return act


def _recording_attendance(runtime: Runtime) -> Callable[[], object]:
    meeting_id = _a_meeting(runtime)
    office = factories.user(runtime, "sitzungsdienst")

    def act() -> None:
        with runtime.write() as c:
            record_attendance(runtime, c, office, meeting_id, [])

    return act


def _carrying_a_measure(runtime: Runtime) -> Callable[[], object]:
    paper_id = factories.paper(runtime)
    measure_id = factories.measure(runtime)
    office = factories.user(runtime, "sitzungsdienst")

    def act() -> None:
        with runtime.write() as c:
            attach_measures(runtime, c, office, paper_id, [measure_id])

    return act


def _erasing_a_person(runtime: Runtime) -> Callable[[], object]:
    person_id = factories.user(runtime, "ag_mitglied").person_id
    assert person_id is not None

    def act() -> None:
        with owner_transaction(runtime.settings) as c:
            erase_person(c, runtime.chain_key, person_id, runtime.now())

    return act


def _opening_the_half_year_round(runtime: Runtime) -> Callable[[], object]:
    return lambda: open_round(runtime, runtime.now())


@pytest.mark.parametrize(
    "use_case",
    [
        _sending_an_invitation,
        _recording_attendance,
        _carrying_a_measure,
        _erasing_a_person,
        _opening_the_half_year_round,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_use_case_of_several_steps_asks_for_the_chain_lock_before_its_first_change(
    demo: Runtime, use_case: Callable[[Runtime], Callable[[], object]]
) -> None:
    waiting = while_chain_held(demo, use_case(demo))
    assert waiting.changes == []
