"""A past Sachstandsbericht uses the Meilensteine as they stood at its Stichtag: one added
later, even with a due date inside the period, does not exist for it. Both backends."""

from __future__ import annotations

from datetime import date

from service.actor import SYSTEM
from service.auth.service import actor_for
from service.measures.service import list_measures
from service.milestones.service import new_milestone
from service.reports.render import render_json
from service.reports.service import read_sachstand
from service.runtime import Runtime


def test_a_milestone_added_after_the_period_does_not_change_its_report(demo: Runtime) -> None:
    before = render_json(read_sachstand(demo, SYSTEM, "2025-H2"))

    with demo.write() as c:
        m06 = next(r.id for r in list_measures(c) if r.code == "M-06")
        new_milestone(
            demo,
            c,
            actor_for(c, "ag.leitung"),
            m06,
            title="Schutzbedarfsfeststellung",
            due_on=date(2025, 9, 30),
        )

    assert render_json(read_sachstand(demo, SYSTEM, "2025-H2")) == before
    # Today's report knows the new milestone, overdue since 30.09.2025.
    today = render_json(read_sachstand(demo, SYSTEM, "2026-H2")).decode()
    assert "Schutzbedarfsfeststellung" in today
