from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.traffic_light import (
    Light,
    MeasureStatus,
    Overdue,
    TrafficLightRules,
    assess,
    describe,
)

RULES = TrafficLightRules()
TODAY = date(2024, 6, 30)
# 730 days from 01.07.2023 to 30.06.2025; TODAY is day 365, so exactly 50 % of the time.
START = date(2023, 7, 1)
TARGET = date(2025, 6, 30)


@pytest.mark.parametrize(
    ("case", "status", "expected"),
    [
        # red: state
        ("gestoppt", MeasureStatus("gestoppt", 90, START, TARGET), Light.RED),
        ("zurückgestellt", MeasureStatus("zurueckgestellt"), Light.RED),
        # red: target date
        (
            "Zieldatum gestern",
            MeasureStatus("umsetzung", 99, START, TODAY - timedelta(1)),
            Light.RED,
        ),
        (
            "Zieldatum heute ist nicht überschritten",
            MeasureStatus("umsetzung", 90, START, TODAY),
            Light.GREEN,
        ),
        (
            "Ziel überschritten, obwohl 100 %",
            MeasureStatus("umsetzung", 100, START, date(2024, 1, 1)),
            Light.RED,
        ),
        # yellow: lag (50 % of the time elapsed)
        (
            "Rückstand genau 15 Punkte bleibt grün",
            MeasureStatus("umsetzung", 35, START, TARGET),
            Light.GREEN,
        ),
        ("Rückstand über 15 Punkte", MeasureStatus("umsetzung", 34, START, TARGET), Light.YELLOW),
        (
            "ohne Fortschrittsmeldung zählt 0 %",
            MeasureStatus("umsetzung", None, START, TARGET),
            Light.YELLOW,
        ),
        (
            "vor Beginn der Umsetzung kein Rückstand",
            MeasureStatus("haushaltsplanung", 0, None, TARGET),
            Light.GREEN,
        ),
        # yellow: target near
        (
            "Ziel in 29 Tagen, 79 %",
            MeasureStatus("umsetzung", 79, None, TODAY + timedelta(29)),
            Light.YELLOW,
        ),
        (
            "Ziel in 30 Tagen, 79 %",
            MeasureStatus("umsetzung", 79, None, TODAY + timedelta(30)),
            Light.GREEN,
        ),
        (
            "Ziel in 29 Tagen, 80 %",
            MeasureStatus("umsetzung", 80, None, TODAY + timedelta(29)),
            Light.GREEN,
        ),
        ("Ziel heute, 0 %", MeasureStatus("umsetzung", 0, None, TODAY), Light.YELLOW),
        (
            "Ziel nah ohne Meldung zählt als 0 %",
            MeasureStatus("haushaltsplanung", None, None, TODAY + timedelta(5)),
            Light.YELLOW,
        ),
        # green
        ("im Plan", MeasureStatus("umsetzung", 60, START, TARGET), Light.GREEN),
    ],
)
def test_each_rule_and_its_boundary(case: str, status: MeasureStatus, expected: Light) -> None:
    assert assess(status, TODAY, RULES).light == expected, case


def test_a_lag_of_exactly_the_threshold_is_green_one_point_more_is_yellow() -> None:
    start, target = date(2025, 1, 1), date(2026, 1, 1)  # 365 days
    today = start + timedelta(days=73)  # 73/365 = exactly 20 %
    assert assess(MeasureStatus("umsetzung", 5, start, target), today, RULES).light == "gruen"
    assert assess(MeasureStatus("umsetzung", 4, start, target), today, RULES).light == "gelb"


def test_reasons_say_why_in_german() -> None:
    late = assess(MeasureStatus("umsetzung", 50, START, date(2024, 6, 1)), TODAY, RULES)
    assert late.reasons == ("Das Zieldatum 01.06.2024 ist seit 29 Tagen überschritten.",)

    lagging = assess(MeasureStatus("umsetzung", 20, START, TARGET), TODAY, RULES)
    assert lagging.reasons == (
        "Der Fortschritt (20 %) liegt 30 Prozentpunkte hinter der verstrichenen Zeit (50 % der "
        "Zeit von 01.07.2023 bis 30.06.2025).",
    )

    stopped = assess(MeasureStatus("gestoppt", state_label="Gestoppt"), TODAY, RULES)
    assert stopped.reasons == ("Die Maßnahme ist im Zustand „Gestoppt“.",)

    near = assess(MeasureStatus("umsetzung", 10, None, TODAY + timedelta(1)), TODAY, RULES)
    assert near.reasons == (
        "Das Zieldatum 01.07.2024 ist in 1 Tag erreicht, der Fortschritt liegt bei 10 % "
        "(unter 80 %).",
    )
    assert assess(MeasureStatus("umsetzung", 60, START, TARGET), TODAY, RULES).reasons == ()


def test_configured_thresholds_change_the_light_and_the_printed_rules() -> None:
    strict = TrafficLightRules(lag_points=5, near_days=90, near_min_progress=95)
    status = MeasureStatus("umsetzung", 40, START, TARGET)
    assert assess(status, TODAY, RULES).light == Light.GREEN
    assert assess(status, TODAY, strict).light == Light.YELLOW

    printed = describe(strict, {"gestoppt": "Gestoppt", "zurueckgestellt": "Zurückgestellt"})
    assert printed[0] == (
        "Rot: Das Zieldatum ist überschritten, eine Frist oder ein Meilenstein ist seit mehr "
        "als 30 Tagen überfällig, oder die Maßnahme ist im Zustand „Gestoppt“ "
        "oder „Zurückgestellt“."
    )
    assert "mehr als 5 Prozentpunkte" in printed[1]
    assert "weniger als 90 Tage entfernt" in printed[1]
    assert "unter 95 %" in printed[1]
    assert printed[2] == "Grün: in allen anderen Fällen."


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lag_points": -1},
        {"lag_points": 101},
        {"near_days": -1},
        {"near_min_progress": 101},
        {"overdue_red_days": -1},
    ],
)
def test_impossible_thresholds_are_refused_in_german(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="angegeben"):
        TrafficLightRules(**kwargs)


days = st.integers(min_value=-800, max_value=800)
states = st.sampled_from(["haushaltsplanung", "umsetzung", "zurueckgestellt", "gestoppt"])


@st.composite
def statuses(draw: st.DrawFn) -> MeasureStatus:
    start = draw(st.none() | days.map(lambda d: TODAY + timedelta(d)))
    target = draw(st.none() | days.map(lambda d: TODAY + timedelta(d)))
    progress = draw(st.none() | st.integers(0, 100))
    return MeasureStatus(draw(states), progress, start, target)


@settings(max_examples=300, deadline=None)
@given(statuses(), st.integers(0, 100))
def test_more_progress_never_makes_the_light_worse(status: MeasureStatus, more: int) -> None:
    before = assess(status, TODAY, RULES).light
    better = MeasureStatus(
        status.state, min(100, (status.progress or 0) + more), status.start, status.target
    )
    assert assess(better, TODAY, RULES).light.severity <= before.severity


@settings(max_examples=300, deadline=None)
@given(statuses())
def test_red_exactly_when_stopped_deferred_or_late_and_never_without_a_reason(
    status: MeasureStatus,
) -> None:
    result = assess(status, TODAY, RULES)
    late = status.target is not None and status.target < TODAY
    assert (result.light == Light.RED) == (status.state in RULES.red_states or late)
    assert bool(result.reasons) == (result.light != Light.GREEN)


def frist(days_overdue: int, label: str = "Im Haushalt einplanen") -> Overdue:
    return Overdue("Frist", label, TODAY - timedelta(days=days_overdue))


def test_369_days_overdue_is_green() -> None:
    """Regression (issue 14): a deadline 369 days overdue left the measure green."""
    status = MeasureStatus("haushaltsplanung", overdue=(frist(369),))
    result = assess(status, TODAY, RULES)
    assert result.light == Light.RED
    assert result.reasons == (
        "Frist „Im Haushalt einplanen“ (fällig 27.06.2023) ist seit 369 Tagen überfällig.",
    )


def test_drafts_are_green() -> None:
    """Regression (issue 14): drafts were green; measures not yet decided get no colour."""
    for state in ("entwurf", "ag_pruefung", "fva_beratung", "stadtrat_beschluss"):
        late = MeasureStatus(state, 0, None, TODAY - timedelta(days=400), overdue=(frist(90),))
        result = assess(late, TODAY, RULES)
        assert result.light is None, state
        assert result.reasons == ("Über die Maßnahme ist noch nicht beschlossen.",)


def test_overdue_milestones_change_nothing() -> None:
    """Regression (issue 14): an overdue milestone makes yellow, then red after 30 days."""
    on_plan = MeasureStatus("umsetzung", 60, START, TARGET)
    assert assess(on_plan, TODAY, RULES).light == Light.GREEN

    def with_milestone(days: int) -> MeasureStatus:
        milestone = Overdue("Meilenstein", "Pilot im Amt 21", TODAY - timedelta(days=days))
        return MeasureStatus("umsetzung", 60, START, TARGET, overdue=(milestone,))

    assert assess(with_milestone(0), TODAY, RULES).light == Light.GREEN  # due today
    assert assess(with_milestone(1), TODAY, RULES).reasons == (
        "Meilenstein „Pilot im Amt 21“ (fällig 29.06.2024) ist seit 1 Tag überfällig.",
    )
    assert assess(with_milestone(30), TODAY, RULES).light == Light.YELLOW
    assert assess(with_milestone(31), TODAY, RULES).light == Light.RED


def test_the_overdue_threshold_is_configured_and_printed() -> None:
    patient = TrafficLightRules(overdue_red_days=400)
    assert assess(MeasureStatus("umsetzung", overdue=(frist(369),)), TODAY, patient).light == (
        Light.YELLOW
    )
    printed = describe(patient, {"entwurf": "Entwurf"})
    assert "seit mehr als 400 Tagen überfällig" in printed[0]
    assert printed[3].startswith("Ohne Ampel: Maßnahmen, über die noch nicht beschlossen ist")
