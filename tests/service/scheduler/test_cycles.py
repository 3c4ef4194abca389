"""The AG agenda and the joint session follow each committee's ``meeting_cycle`` (issue 14,
point 9), not a setting of the deployment."""

from __future__ import annotations

from datetime import timedelta

from service.runtime import Runtime
from service.scheduler import reviews
from tests import factories
from tests.service.scheduler.helpers import city, local, submitted_measure
from tests.service.scheduler.test_reviews import MONDAY, mails


def _committee(rt: Runtime, slug: str, kind: str, cycle: str, *people: int) -> None:
    from service.actor import SYSTEM
    from service.committees.service import insert_membership

    with rt.write() as c:
        committee_id = factories.committee(
            rt, c, members=0, slug=slug, kind=kind, meeting_cycle=cycle
        )
        for person in people:
            insert_membership(rt, c, SYSTEM, person_id=person, committee_id=committee_id)


def test_a_weekly_ag_gets_its_agenda_every_week(rt: Runtime) -> None:
    people = city(rt)
    _committee(rt, rt.settings.schedule.ag_committee, "ag", "P7D", people["lead"])
    submitted_measure(rt, people["responsible"], MONDAY - timedelta(hours=1))

    assert reviews.ag_agenda(rt, MONDAY) == 1
    assert reviews.ag_agenda(rt, MONDAY + timedelta(days=7)) == 1
    assert len(mails(rt, "ag_tagesordnung")) == 2


def test_a_half_yearly_joint_session_is_reminded_in_january_and_july_only(rt: Runtime) -> None:
    people = city(rt)
    slug = rt.settings.schedule.joint_committee
    _committee(rt, slug, "gemeinsame_beratung", "P6M", people["lead"])
    factories.measure(rt, code="P-1", fields={"personenbezogen": True})

    assert reviews.joint_session(rt, local(2024, 4, 1, 7, 0)) == 0
    assert reviews.joint_session(rt, local(2024, 7, 1, 7, 0)) == 1
    [(_, text)] = mails(rt, "gemeinsame_beratung")
    assert "2. Halbjahr 2024" in text
