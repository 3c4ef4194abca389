"""A council member's last visit of the Beschlusskontrolle, on a city of its own: a visit
that shows nothing non-public is no read to log, and her task still counts from it."""

from __future__ import annotations

from datetime import timedelta

from service.deadlines.service import read_deadlines
from service.people.erasure import erase_person
from service.runtime import Runtime
from service.tasks.service import read_tasks
from service.visits import repository as visits
from tests import factories
from tests.conftest import START, FakeClock
from tests.service.reads import reads
from tests.service.tasks import scenes
from workflow.calendar import to_local


def test_a_council_members_visit_showing_nothing_non_public_is_not_logged(
    runtime: Runtime, clock: FakeClock
) -> None:
    """Every visit of a council member used to write a ``deadline.read`` event, only so
    that her task could count from it. An erasure of her person removes the visit."""
    member = factories.user(runtime, "ratsmitglied")
    # A public measure nobody is responsible for.
    scenes.open_deadline(runtime, timedelta(days=3), public=True)

    def control() -> list[str]:
        tasks = read_tasks(runtime, member).tasks
        return [f"{t.subject} | {t.detail}" for t in tasks if t.key == "beschlusskontrolle"]

    assert control() == ["1 neue Frist | Noch nicht angesehen"]

    shown = read_deadlines(runtime, member, person_id=None, programme_id=None, overdue_only=False)

    assert [(d.row.public, d.responsible) for d in shown.measures] == [(True, None)]
    assert reads(runtime, "deadline.read") == []
    assert control() == []  # she has looked: nothing is new
    clock.advance(timedelta(hours=1))
    scenes.open_deadline(runtime, timedelta(days=2), public=True)
    visited = f"{to_local(START):%d.%m.%Y, %H:%M}"
    assert control() == [f"1 neue Frist | Seit Ihrem letzten Besuch am {visited} Uhr"]

    assert member.person_id is not None and member.user_id is not None
    with runtime.write() as c:
        erase_person(c, runtime.chain_key, member.person_id, runtime.now())
    with runtime.read() as c:
        assert visits.last_seen(c, member.user_id, visits.RESOLUTION_CONTROL) is None
