"""The deadline sweep: reminders before, escalations after, each exactly once, on local time."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from service.actor import SYSTEM
from service.auth.deputies import name_deputy
from service.auth.models import User
from service.deadlines.models import Deadline
from service.runtime import Runtime
from service.scheduler.deadline_sweep import sweep
from tests.service.scheduler.helpers import BERLIN, city, local, rows, submitted_measure

deadlines = Deadline.__table__  # type: ignore[attr-defined]
users = User.__table__  # type: ignore[attr-defined]
deputy = users.alias("deputy")


def _due(runtime: Runtime, measure_id: int):  # type: ignore[no-untyped-def]
    with runtime.read() as c:
        return c.execute(
            select(deadlines.c.due_at).where(
                deadlines.c.entity_id == measure_id, deadlines.c.open.is_(True)
            )
        ).scalar_one()


def test_reminders_go_out_7_days_and_1_day_before_then_escalate_to_lead_and_dezernent(
    rt: Runtime,
) -> None:
    people = city(rt)
    measure_id = submitted_measure(rt, people["responsible"], local(2024, 1, 8, 9, 0))
    assert _due(rt, measure_id).astimezone(BERLIN) == local(2024, 2, 19, 9, 0)

    assert sweep(rt, local(2024, 2, 12, 6, 59)) == 0
    assert sweep(rt, local(2024, 2, 12, 7, 0)) == 1
    assert sweep(rt, local(2024, 2, 12, 7, 0)) == 0  # a second sweep writes nothing twice
    assert sweep(rt, local(2024, 2, 18, 7, 0)) == 1
    assert sweep(rt, local(2024, 2, 20, 7, 0)) == 1
    assert sweep(rt, local(2024, 2, 27, 7, 0)) == 1
    assert sweep(rt, local(2024, 4, 1, 7, 0)) == 0

    sent = rows(rt)
    assert [(r.recipient_person_id, r.kind) for r in sent] == [
        (people["responsible"], "frist_erinnerung"),
        (people["responsible"], "frist_erinnerung"),
        (people["lead"], "frist_eskalation"),
        (people["dezernent"], "frist_eskalation"),
    ]
    assert len({r.reminder_key for r in sent}) == 4
    assert "19.02.2024" in sent[0].subject
    assert f"/massnahmen/{measure_id}" in sent[0].body_text
    assert "abgelaufen" in sent[2].body_text and "Leitung der AG" in sent[2].body_text


def test_a_scheduler_back_after_the_deadline_sends_the_escalation_not_stale_reminders(
    rt: Runtime,
) -> None:
    people = city(rt)
    submitted_measure(rt, people["responsible"], local(2024, 1, 8, 9, 0))
    assert sweep(rt, local(2024, 2, 21, 12, 0)) == 1
    assert [r.kind for r in rows(rt)] == ["frist_eskalation"]


def test_a_closed_deadline_reminds_nobody(rt: Runtime) -> None:
    from service.measures.service import fire
    from tests import factories

    people = city(rt)
    measure_id = submitted_measure(rt, people["responsible"], local(2024, 1, 8, 9, 0))
    sweep(rt, local(2024, 1, 8, 10, 0))
    lead = factories.user(rt, "ag_leitung")
    with rt.write() as c:
        fire(rt, c, lead, measure_id, "zur_ueberarbeitung", comment="Bitte Kosten ergänzen")
    assert sweep(rt, local(2024, 3, 1, 7, 0)) == 0
    assert rows(rt) == []


def test_the_deputy_receives_the_reminders_of_an_absent_responsible_person(rt: Runtime) -> None:
    people = city(rt)
    with rt.write() as c:
        absent_user, deputy_name = c.execute(
            select(users.c.id, deputy.c.username)
            .select_from(users.join(deputy, deputy.c.person_id == people["lead"]))
            .where(users.c.person_id == people["responsible"])
        ).one()
        name_deputy(
            rt,
            c,
            SYSTEM,
            user_id=absent_user,
            deputy_username=deputy_name,
            starts_on=date(2024, 2, 1),
            ends_on=date(2024, 2, 15),
        )
    submitted_measure(rt, people["responsible"], local(2024, 1, 8, 9, 0))
    sweep(rt, local(2024, 2, 12, 7, 0))  # absent: the person and the deputy
    sweep(rt, local(2024, 2, 18, 7, 0))  # back again: the person only
    sent = rows(rt)
    assert [r.recipient_person_id for r in sent] == [
        people["responsible"],
        people["lead"],
        people["responsible"],
    ]
    assert "Stellvertretung" in sent[1].body_text
    assert "Stellvertretung" not in sent[0].body_text


def test_deadlines_on_ostermontag_and_reformationstag_move_to_the_next_working_day(
    rt: Runtime,
) -> None:
    people = city(rt)
    easter = submitted_measure(rt, people["responsible"], local(2025, 3, 10, 9, 0))
    reformation = submitted_measure(rt, people["responsible"], local(2025, 9, 19, 9, 0))
    assert _due(rt, easter).astimezone(BERLIN) == local(2025, 4, 22, 9, 0)
    assert _due(rt, reformation).astimezone(BERLIN) == local(2025, 11, 3, 9, 0)
    # The reminder the day before follows the moved date, not the holiday.
    assert sweep(rt, local(2025, 4, 21, 7, 0)) == 1
    assert "22.04.2025" in rows(rt)[-1].subject


def test_a_0700_reminder_stays_at_0700_local_across_the_clock_changes(rt: Runtime) -> None:
    people = city(rt)
    # Due Monday 31.03.2025, the day after summer time begins, and Monday 27.10.2025, the
    # day after it ends: the two reminders before each deadline straddle the change.
    submitted_measure(rt, people["responsible"], local(2025, 2, 17, 9, 0))
    march = [local(2025, 3, 24, 7, 0), local(2025, 3, 30, 7, 0)]
    for moment in march:
        assert sweep(rt, moment - timedelta(minutes=1)) == 0
        assert sweep(rt, moment) == 1
    sweep(rt, local(2025, 4, 30, 7, 0))  # the escalations of the first deadline
    submitted_measure(rt, people["responsible"], local(2025, 9, 15, 9, 0))
    october = [local(2025, 10, 20, 7, 0), local(2025, 10, 26, 7, 0)]
    for moment in october:
        assert sweep(rt, moment - timedelta(minutes=1)) == 0
        assert sweep(rt, moment) == 1
    reminders = [r for r in rows(rt) if r.kind == "frist_erinnerung"]
    assert [(r.created_at.astimezone(BERLIN).hour, r.created_at.hour) for r in reminders] == [
        (7, 6),  # CET
        (7, 5),  # CEST
        (7, 5),  # CEST
        (7, 6),  # CET
    ]


def test_reminder_for_a_deadline_due_a_year_ago_says_one_day_overdue(rt: Runtime) -> None:
    """The escalation tells the real number of days: a deadline due on 19.02.2024, first
    swept on 22.02.2025 (a decision typed in late, a scheduler long down), is 369 days
    overdue, not "1 Tag"."""
    people = city(rt)
    submitted_measure(rt, people["responsible"], local(2024, 1, 8, 9, 0))
    assert sweep(rt, local(2025, 2, 22, 7, 0)) == 2
    texts = [r.body_text for r in rows(rt) if r.kind == "frist_eskalation"]
    assert texts and all("(369 Tage überfällig)" in t for t in texts)
