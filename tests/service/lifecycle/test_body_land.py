"""Deadlines skip the holidays of the body's Land (``bodies.land``), on both backends.

Six weeks after 08.05.2025 fall on Fronleichnam (19.06.2025): a holiday in Bayern, a
working day in Sachsen-Anhalt. Submitting a measure in each body starts the AG's deadline;
the Bavarian one falls due a day later. The Ladungsfrist of an invitation rolls back the
same way.
"""

from __future__ import annotations

from datetime import date, datetime, time

from service.invitations.service import send_by
from service.lifecycle.service import Lifecycle
from service.measures import service as measures
from service.runtime import Runtime
from tests import factories
from tests.conftest import FakeClock
from workflow.calendar import local_day_at, to_local


def _submitted(runtime: Runtime) -> datetime:
    lead = factories.user(runtime, "ag_leitung")
    measure_id = factories.measure(runtime)
    with runtime.write() as c:
        done = measures.fire(runtime, c, lead, measure_id, "einreichen")
    assert done.result.deadline is not None
    return done.result.deadline.due_at


def test_a_bavarian_body_counts_fronleichnam_as_a_holiday(
    runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = local_day_at(date(2025, 5, 8), time(10, 0))
    bavarian = runtime.for_body("marktbayern")
    factories.body(bavarian, name="Markt Bayern", land="BY")
    assert bavarian.body.land == "BY" and runtime.body.land == "ST"

    assert to_local(_submitted(runtime)).date() == date(2025, 6, 19)
    assert to_local(_submitted(bavarian)).date() == date(2025, 6, 20)


def test_a_lifecycle_given_a_land_uses_it(runtime: Runtime, clock: FakeClock) -> None:
    clock.now = local_day_at(date(2025, 5, 8), time(10, 0))
    runtime.__dict__["lifecycle"] = Lifecycle(runtime.registry, runtime.chain_key, "BY")
    assert to_local(_submitted(runtime)).date() == date(2025, 6, 20)


def test_the_ladungsfrist_rolls_back_over_a_holiday_of_the_land() -> None:
    # A meeting on Thursday 26.06.2025; seven days before is Fronleichnam, so in Bayern the
    # papers must be out by the end of Wednesday.
    meeting = local_day_at(date(2025, 6, 26), time(18, 0))
    assert to_local(send_by(meeting, 7, "ST")).date() == date(2025, 6, 20)
    assert to_local(send_by(meeting, 7, "BY")).date() == date(2025, 6, 19)
