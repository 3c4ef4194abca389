"""A past Sachstandsbericht uses the Meilensteine as they stood at its Stichtag: one added
later, even with a due date inside the period, does not exist for it, and a title, due or
done date changed later leaves it as it was. Both backends."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from service.actor import SYSTEM
from service.auth.service import actor_for
from service.measures.service import list_measures
from service.milestones.service import new_milestone, read_milestones, update_milestone
from service.reports.render import render_json
from service.reports.service import read_sachstand
from service.runtime import Runtime
from tests.conftest import DEMO_NOW, FakeClock


def _measure(demo: Runtime, code: str) -> int:
    with demo.read() as c:
        return next(r.id for r in list_measures(c) if r.code == code)


def test_a_milestone_added_after_the_period_does_not_change_its_report(demo: Runtime) -> None:
    before = render_json(read_sachstand(demo, SYSTEM, "2025-H2"))

    with demo.write() as c:
        new_milestone(
            demo,
            c,
            actor_for(c, "ag.leitung"),
            _measure(demo, "M-06"),
            title="Schutzbedarfsfeststellung",
            due_on=date(2025, 9, 30),
        )

    assert render_json(read_sachstand(demo, SYSTEM, "2025-H2")) == before
    # Today's report knows the new milestone, overdue since 30.09.2025.
    today = render_json(read_sachstand(demo, SYSTEM, "2026-H2")).decode()
    assert "Schutzbedarfsfeststellung" in today


def test_a_milestone_due_date_changed_after_the_period_does_not_change_its_report(
    demo: Runtime,
) -> None:
    """Defect: milestones kept only today's dates, so moving M-01's „Rollout Bürgeramt“
    (due 30.06.2026) to 30.09.2025 turned the rebuilt report of 2025-H2 yellow, with a
    milestone nobody had been told of on 31.12.2025."""
    before = render_json(read_sachstand(demo, SYSTEM, "2025-H2"))
    m01 = _measure(demo, "M-01")
    [rollout] = [m for m in read_milestones(demo, SYSTEM, m01) if m.title == "Rollout Bürgeramt"]

    with demo.write() as c:
        update_milestone(
            demo,
            c,
            actor_for(c, "ag.leitung"),
            rollout.id,
            {"title": "Rollout Bürgeramt und Standesamt", "due_on": date(2025, 9, 30)},
        )

    assert render_json(read_sachstand(demo, SYSTEM, "2025-H2")) == before
    today = render_json(read_sachstand(demo, SYSTEM, "2026-H2")).decode()
    assert "Rollout Bürgeramt und Standesamt" in today and "30.09.2025" in today


def test_a_milestone_marked_done_after_the_period_stays_overdue_in_its_report(
    demo: Runtime, clock: FakeClock
) -> None:
    """Defect: a done date entered later (and dated back) erased from the rebuilt report a
    milestone that was overdue and open on its Stichtag."""
    clock.now = datetime(2025, 8, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    with demo.write() as c:
        milestone = new_milestone(
            demo,
            c,
            actor_for(c, "ag.leitung"),
            _measure(demo, "M-06"),
            title="Schutzbedarfsfeststellung",
            due_on=date(2025, 9, 30),
        )
    clock.now = DEMO_NOW
    before = render_json(read_sachstand(demo, SYSTEM, "2025-H2"))
    assert "Schutzbedarfsfeststellung" in before.decode()

    with demo.write() as c:
        update_milestone(
            demo, c, actor_for(c, "ag.leitung"), milestone, {"done_on": date(2025, 9, 20)}
        )

    assert render_json(read_sachstand(demo, SYSTEM, "2025-H2")) == before
    assert (
        "Schutzbedarfsfeststellung"
        not in render_json(read_sachstand(demo, SYSTEM, "2026-H2")).decode()
    )
