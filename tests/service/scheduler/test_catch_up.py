"""Periodic jobs after downtime: a missed half-year runs once at start, not never, not twice."""

from __future__ import annotations

from sqlalchemy import update

from service.measures.models import Measure
from service.runtime import Runtime
from service.scheduler.lock import ProcessLock
from service.scheduler.runner import SchedulerRunner
from tests import factories
from tests.service.scheduler.helpers import city, local, rows

measures = Measure.__table__  # type: ignore[attr-defined]


def _in_umsetzung(rt: Runtime, responsible: int) -> int:
    measure_id = factories.measure(rt, responsible_person_id=responsible)
    with rt.write() as c:  # the state itself is not under test here
        c.execute(update(measures).where(measures.c.id == measure_id).values(state="umsetzung"))
    return measure_id


def test_a_scheduler_down_over_1_july_runs_that_period_once_at_start(rt: Runtime) -> None:
    people = city(rt)
    rt.clock.now = local(2024, 6, 20, 9, 0)  # type: ignore[attr-defined]
    measure_id = _in_umsetzung(rt, people["responsible"])
    runner = SchedulerRunner(rt, lock=ProcessLock())
    runner.catch_up()  # first start: the current period counts as done
    assert [r.kind for r in rows(rt)] == []

    # Down from 20 June to 15 August: 1 July 07:00 passed unseen.
    rt.clock.now = local(2024, 8, 15, 10, 0)  # type: ignore[attr-defined]
    SchedulerRunner(rt, lock=ProcessLock()).catch_up()
    SchedulerRunner(rt, lock=ProcessLock()).catch_up()  # a second start owes nothing
    asked = [r for r in rows(rt) if r.kind == "sachstand_abfrage"]
    assert [(r.recipient_person_id, r.entity_id) for r in asked] == [
        (people["responsible"], measure_id)
    ]
    assert "1. Halbjahr 2024" in asked[0].subject
    assert "05.09.2024" in asked[0].body_text  # 21 days later, a working day


def test_a_scheduler_down_for_a_year_runs_the_half_year_once_not_per_missed_period(
    rt: Runtime,
) -> None:
    people = city(rt)
    rt.clock.now = local(2023, 6, 20, 9, 0)  # type: ignore[attr-defined]
    _in_umsetzung(rt, people["responsible"])
    SchedulerRunner(rt, lock=ProcessLock()).catch_up()
    rt.clock.now = local(2024, 8, 15, 10, 0)  # type: ignore[attr-defined]
    SchedulerRunner(rt, lock=ProcessLock()).catch_up()
    asked = [r for r in rows(rt) if r.kind == "sachstand_abfrage"]
    assert [r.subject.split(":")[0] for r in asked] == ["Sachstand 1. Halbjahr 2024"]
