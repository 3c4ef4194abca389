"""The review jobs and the FVA reminder: each mails once per recipient and period.

They read through the scheduler's and the deadlines' services (no repository), so these
tests pin what each job writes to the outbox.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from service.actor import SYSTEM
from service.committees.meetings import insert_meeting
from service.committees.service import insert_membership
from service.measures.models import Measure
from service.runtime import Runtime
from service.scheduler import half_year, reviews
from tests import factories
from tests.service.scheduler.helpers import city, local, rows, submitted_measure

measures = Measure.__table__  # type: ignore[attr-defined]
MONDAY = local(2024, 1, 8, 7, 0)  # an AG week: 70 weeks after the anchor 05.09.2022


def committee_of(rt: Runtime, slug: str, kind: str, *people: int) -> int:
    with rt.write() as c:
        committee_id = factories.committee(rt, c, members=0, slug=slug, kind=kind)
        for person in people:
            insert_membership(
                rt, c, SYSTEM, person_id=person, committee_id=committee_id, voting_right=True
            )
    return committee_id


def mails(rt: Runtime, kind: str) -> list[tuple[int, str]]:
    return [(r.recipient_person_id, r.body_text) for r in rows(rt) if r.kind == kind]


def test_the_ag_agenda_lists_the_measures_in_review_for_each_member_once(rt: Runtime) -> None:
    people = city(rt)
    settings = rt.settings.schedule
    committee_of(rt, settings.ag_committee, "ag", people["responsible"], people["lead"])
    measure_id = submitted_measure(rt, people["responsible"], MONDAY - timedelta(hours=1))
    with rt.read() as c:
        code = c.execute(measures.select().where(measures.c.id == measure_id)).first().code  # type: ignore[union-attr]

    assert reviews.ag_agenda(rt, MONDAY) == 2
    assert reviews.ag_agenda(rt, MONDAY) == 0
    assert reviews.ag_agenda(rt, MONDAY + timedelta(days=7)) == 0  # not an AG week

    sent = mails(rt, "ag_tagesordnung")
    assert {person for person, _ in sent} == {people["responsible"], people["lead"]}
    assert all(code in text for _, text in sent)


def test_the_joint_session_hears_which_statements_are_missing(rt: Runtime) -> None:
    people = city(rt)
    committee_of(rt, rt.settings.schedule.joint_committee, "gemeinsame_beratung", people["lead"])
    factories.measure(rt, code="P-1", fields={"personenbezogen": True})
    given = factories.measure(rt, code="P-2", fields={"personenbezogen": True})
    factories.statement(rt, given, "datenschutz")

    assert reviews.joint_session(rt, local(2024, 4, 1, 7, 0)) == 1

    [(person, text)] = mails(rt, "gemeinsame_beratung")
    assert person == people["lead"]
    assert "P-1" in text and "P-2" not in text


def test_each_programme_owner_is_reminded_once_per_review_cycle(rt: Runtime) -> None:
    people = city(rt)
    rt.clock.now = local(2024, 1, 2, 9, 0)  # type: ignore[attr-defined]
    factories.programme(rt, owner_person_id=people["lead"], review_cycle="P6M")

    assert reviews.programme_review(rt, local(2024, 5, 1, 7, 0)) == 0  # not half a year yet
    assert reviews.programme_review(rt, local(2024, 7, 2, 7, 0)) == 1
    assert reviews.programme_review(rt, local(2024, 8, 1, 7, 0)) == 0

    [(person, _)] = mails(rt, "arbeitspapier_ueberpruefung")
    assert person == people["lead"]


def test_those_silent_since_the_round_opened_are_reminded_before_the_fva(rt: Runtime) -> None:
    people = city(rt)
    fva = committee_of(rt, rt.settings.schedule.half_year_fva_committee, "ausschuss")
    rt.clock.now = local(2024, 6, 1, 9, 0)  # type: ignore[attr-defined]
    measure_id = factories.measure(rt, responsible_person_id=people["responsible"])
    with rt.write() as c:
        c.execute(update(measures).where(measures.c.id == measure_id).values(state="umsetzung"))
        insert_meeting(
            rt, c, SYSTEM, committee_id=fva, starts_at=local(2024, 9, 18, 17, 0), location="Rathaus"
        )

    assert half_year.open_round(rt, local(2024, 7, 1, 7, 0)) == 1
    assert half_year.remind_before_fva(rt, local(2024, 9, 1, 7, 0)) == 0  # too early
    assert half_year.remind_before_fva(rt, local(2024, 9, 12, 7, 0)) == 1
    assert half_year.remind_before_fva(rt, local(2024, 9, 13, 7, 0)) == 0  # once per round

    [(person, text)] = mails(rt, "sachstand_erinnerung")
    assert person == people["responsible"] and "18.09.2024" in text
