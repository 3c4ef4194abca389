from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.calendar import (
    BERLIN,
    Duration,
    add_working_days,
    due_at,
    due_on,
    holiday_name,
    is_working_day,
    local_day_at,
    next_working_day,
    previous_working_day,
    to_local,
    to_utc,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2024, 10, 31), "Reformationstag"),
        (date(2025, 4, 18), "Karfreitag"),
        (date(2025, 4, 21), "Ostermontag"),
        (date(2025, 1, 6), "Heilige Drei Könige"),
        (date(2025, 10, 3), "Tag der Deutschen Einheit"),
    ],
)
def test_public_holidays_of_sachsen_anhalt(day: date, name: str) -> None:
    assert day.weekday() < 5
    assert holiday_name(day) == name
    assert not is_working_day(day)


def test_buss_und_bettag_is_a_working_day_in_sachsen_anhalt_but_not_in_saxony() -> None:
    bettag = date(2024, 11, 20)
    # Checked against the package so that this test fails loudly if its data ever changes.
    assert bettag not in holidays.country_holidays("DE", subdiv="ST", years=2024)
    assert bettag in holidays.country_holidays("DE", subdiv="SN", years=2024)

    assert holiday_name(bettag) is None
    assert is_working_day(bettag)


@pytest.mark.parametrize(
    "day",
    [date(2024, 11, 1), date(2025, 12, 24), date(2025, 12, 31), date(2025, 8, 15)],
    ids=["allerheiligen", "heiligabend", "silvester", "mariae-himmelfahrt"],
)
def test_days_that_are_holidays_elsewhere_are_working_days_here(day: date) -> None:
    assert is_working_day(day)


@pytest.mark.parametrize(
    ("day", "forward", "backward"),
    [
        pytest.param(date(2024, 10, 31), date(2024, 11, 1), date(2024, 10, 30), id="reformation"),
        pytest.param(date(2025, 4, 21), date(2025, 4, 22), date(2025, 4, 17), id="ostermontag"),
        pytest.param(date(2025, 4, 18), date(2025, 4, 22), date(2025, 4, 17), id="karfreitag"),
        pytest.param(date(2025, 5, 10), date(2025, 5, 12), date(2025, 5, 9), id="saturday"),
        pytest.param(date(2025, 5, 11), date(2025, 5, 12), date(2025, 5, 9), id="sunday"),
        pytest.param(date(2025, 5, 13), date(2025, 5, 13), date(2025, 5, 13), id="tuesday"),
        pytest.param(date(2025, 12, 25), date(2025, 12, 29), date(2025, 12, 24), id="christmas"),
    ],
)
def test_rolling_to_working_days(day: date, forward: date, backward: date) -> None:
    assert next_working_day(day) == forward
    assert previous_working_day(day) == backward


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2025, 4, 16), 1, date(2025, 4, 17)),
        (date(2025, 4, 17), 1, date(2025, 4, 22)),  # Karfreitag, weekend, Ostermontag
        (date(2025, 4, 22), -1, date(2025, 4, 17)),
        (date(2025, 5, 9), 5, date(2025, 5, 16)),
        (date(2025, 5, 10), 1, date(2025, 5, 12)),
        (date(2025, 5, 10), 0, date(2025, 5, 10)),
    ],
)
def test_add_working_days(day: date, n: int, expected: date) -> None:
    assert add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P6W", Duration(days=42)),
        ("P7D", Duration(days=7)),
        ("P1M", Duration(months=1)),
        ("P1Y", Duration(months=12)),
        ("P1Y2M", Duration(months=14)),
        ("P1DT12H", Duration(days=1, seconds=43200)),
        ("PT30M", Duration(seconds=1800)),
        ("PT1H30M15S", Duration(seconds=5415)),
        ("P0D", Duration()),
    ],
)
def test_parse_durations(text: str, expected: Duration) -> None:
    assert Duration.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["P6X", "P", "PT", "", "6W", "P1.5D", "-P7D", "P7d", " P7D", "P7DT", "P1D2M", "P٣D", "P1H"],
)
def test_parse_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError) as error:
        Duration.parse(text)

    assert str(error.value) == f"„{text}“ ist keine ISO-8601-Dauer (Beispiele: P6W, P7D, P1M)."


def test_negate() -> None:
    assert Duration(months=1, days=-2, seconds=3).negate() == Duration(-1, 2, -3)


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (berlin(2025, 1, 31, 9), "P1M", berlin(2025, 2, 28, 9)),
        (berlin(2024, 1, 31, 9), "P1M", berlin(2024, 2, 29, 9)),
        (berlin(2025, 3, 31, 9), "P1M", berlin(2025, 4, 30, 9)),
        (berlin(2024, 2, 29, 9), "P1Y", berlin(2025, 2, 28, 9)),
        (berlin(2025, 11, 30, 9), "P3M", berlin(2026, 2, 28, 9)),
        (berlin(2025, 1, 31, 9), "P1M1D", berlin(2025, 3, 1, 9)),
    ],
)
def test_months_are_clamped_to_the_end_of_the_month(
    start: datetime, duration: str, expected: datetime
) -> None:
    assert Duration.parse(duration).add_to(start) == expected


def test_negative_months_clamp_too() -> None:
    assert Duration(months=-1).add_to(berlin(2025, 3, 31, 9)) == berlin(2025, 2, 28, 9)


@pytest.mark.parametrize(
    ("start", "utc_hour_after"),
    [
        pytest.param(utc(2025, 3, 27, 6), 5, id="into-summer-time-30.03.2025"),
        pytest.param(utc(2025, 10, 23, 5), 6, id="into-winter-time-26.10.2025"),
    ],
)
def test_local_wall_time_survives_daylight_saving_changes(
    start: datetime, utc_hour_after: int
) -> None:
    assert to_local(start).hour == 7

    after = Duration.parse("P1W").add_to(start)

    assert after.tzinfo is UTC
    assert to_local(after).hour == 7
    assert after.hour == utc_hour_after
    assert to_local(after).date() == to_local(start).date() + timedelta(days=7)
    assert due_at(start, Duration.parse("P1W")) == after


def test_seconds_are_elapsed_time_across_the_change() -> None:
    # 01:30 CET + 2 hours of real time = 04:30 CEST, not 03:30.
    start = berlin(2025, 3, 30, 1, 30)

    assert to_local(Duration.parse("PT2H").add_to(start)) == berlin(2025, 3, 30, 4, 30)
    assert Duration.parse("P1D").add_to(start) == berlin(2025, 3, 31, 1, 30)


def test_adding_only_seconds_keeps_the_second_autumn_hour() -> None:
    second_0230 = utc(2025, 10, 26, 1, 30)
    assert to_local(second_0230).fold == 1

    assert Duration.parse("PT0S").add_to(second_0230) == second_0230
    assert Duration.parse("PT1M").add_to(second_0230) == utc(2025, 10, 26, 1, 31)


def test_a_day_into_the_skipped_hour_shows_what_the_clock_shows() -> None:
    start = berlin(2025, 3, 29, 2, 30)

    assert to_local(Duration.parse("P1D").add_to(start)) == berlin(2025, 3, 30, 3, 30)


@pytest.mark.parametrize(
    ("start", "duration", "roll", "expected"),
    [
        # Reformationstag 2024 is a Thursday: due the Friday after, same local time.
        pytest.param(berlin(2024, 10, 24, 7), "P1W", "forward", berlin(2024, 11, 1, 7), id="r"),
        pytest.param(berlin(2025, 4, 14, 7), "P1W", "forward", berlin(2025, 4, 22, 7), id="o"),
        pytest.param(berlin(2025, 4, 11, 7), "P1W", "forward", berlin(2025, 4, 22, 7), id="k"),
        pytest.param(berlin(2025, 5, 3, 10), "P6W", "forward", berlin(2025, 6, 16, 10), id="sa"),
        pytest.param(berlin(2025, 5, 4, 10), "P0D", "backward", berlin(2025, 5, 2, 10), id="so"),
        pytest.param(berlin(2025, 5, 6, 10), "P1D", "forward", berlin(2025, 5, 7, 10), id="wd"),
        # Ladungsfrist: meeting Mon 28.04.2025, 7 days before is Ostermontag; the papers must
        # go out on the Thursday before Karfreitag.
        pytest.param(berlin(2025, 4, 28, 18), "P7D", "backward", berlin(2025, 4, 17, 18), id="l"),
    ],
)
def test_due_at(start: datetime, duration: str, roll: str, expected: datetime) -> None:
    d = Duration.parse(duration)
    if roll == "backward":
        result = due_at(to_utc(start), d.negate(), roll="backward")
    else:
        result = due_at(to_utc(start), d)

    assert result.tzinfo is UTC
    assert result == expected


def test_due_at_keeps_local_time_when_rolling_across_a_daylight_saving_change() -> None:
    # Sat 29.03.2025 07:00 CET rolls over the change to Mon 31.03.2025 07:00 CEST.
    result = due_at(berlin(2025, 3, 22, 7), Duration.parse("P7D"))

    assert result == utc(2025, 3, 31, 5)


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2025, 1, 15), time(18), utc(2025, 1, 15, 17)),
        (date(2025, 7, 15), time(18), utc(2025, 7, 15, 16)),
        (date(2025, 3, 30), time(2, 30), utc(2025, 3, 30, 1, 30)),  # skipped: 03:30 CEST
        (date(2025, 10, 26), time(2, 30), utc(2025, 10, 26, 0, 30)),
        (date(2025, 10, 26), time(2, 30, fold=1), utc(2025, 10, 26, 1, 30)),
    ],
)
def test_local_day_at(day: date, at: time, expected: datetime) -> None:
    result = local_day_at(day, at)

    assert result == expected
    assert result.tzinfo is UTC


def test_local_day_at_refuses_a_time_with_zone() -> None:
    with pytest.raises(ValueError, match="Ortszeit ohne Zeitzone"):
        local_day_at(date(2025, 1, 15), time(18, tzinfo=UTC))


def test_conversions() -> None:
    moment = utc(2025, 7, 1, 10)

    assert to_local(moment) == moment
    assert to_local(moment).utcoffset() == timedelta(hours=2)
    assert to_local(moment).tzinfo is BERLIN
    assert to_utc(berlin(2025, 7, 1, 12)).tzinfo is UTC
    assert to_utc(datetime(2025, 7, 1, 13, tzinfo=timezone(timedelta(hours=3)))) == moment


@pytest.mark.parametrize(
    "call",
    [
        to_utc,
        to_local,
        Duration(days=1).add_to,
        lambda moment: due_at(moment, Duration(days=1)),
    ],
    ids=["to_utc", "to_local", "add_to", "due_at"],
)
def test_naive_datetimes_are_refused(call: Callable[[datetime], object]) -> None:
    with pytest.raises(ValueError, match="hat keine Zeitzone"):
        call(datetime(2025, 7, 1, 12))


starts = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
)
durations = st.builds(
    Duration,
    months=st.integers(0, 36),
    days=st.integers(0, 400),
    seconds=st.integers(0, 10 * 86400),
)


@given(starts, durations)
def test_forward_due_dates_land_on_working_days_never_before_start(
    start: datetime, duration: Duration
) -> None:
    due = due_at(start, duration)

    assert due.tzinfo is UTC
    assert is_working_day(to_local(due).date())
    assert due >= start


@given(starts, durations)
def test_backward_due_dates_land_on_working_days_never_after_the_unrolled_date(
    start: datetime, duration: Duration
) -> None:
    due = due_at(start, duration.negate(), roll="backward")

    assert is_working_day(to_local(due).date())
    assert due <= duration.negate().add_to(start)


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.integers(-30, 30))
def test_adding_working_days_lands_on_a_working_day(day: date, n: int) -> None:
    result = add_working_days(day, n)

    if n:
        assert is_working_day(result)
        assert (result > day) is (n > 0)
    else:
        assert result == day


def test_the_land_decides_which_days_are_holidays() -> None:
    fronleichnam = date(2025, 6, 19)  # a Thursday: a holiday in Bayern, not in Sachsen-Anhalt
    assert is_working_day(fronleichnam)
    assert is_working_day(fronleichnam, "ST")
    assert not is_working_day(fronleichnam, "BY")
    assert holiday_name(fronleichnam, "BY") == "Fronleichnam"
    assert next_working_day(fronleichnam, "BY") == date(2025, 6, 20)
    assert add_working_days(date(2025, 6, 18), 1, "BY") == date(2025, 6, 20)
    assert add_working_days(date(2025, 6, 18), 1, "ST") == fronleichnam
    # Six weeks after 08.05.2025 fall on Fronleichnam: Bayern counts to the Friday.
    start = berlin(2025, 5, 8, 10)
    assert due_at(start, Duration.parse("P6W")) == berlin(2025, 6, 19, 10)
    assert due_at(start, Duration.parse("P6W"), land="BY") == berlin(2025, 6, 20, 10)
    assert due_at(start, Duration.parse("P6W"), "backward", "BY") == berlin(2025, 6, 18, 10)


def _due_as_spelled_out(
    start: datetime, duration: Duration, roll: str, land: str = "ST"
) -> datetime:
    """``due_at`` read straight from its rule, one conversion per step: the oracle for the
    implementation, which skips the conversions that cancel out."""
    local = to_local(duration.add_to(start))
    day = local.date()
    if not is_working_day(day, land):
        day = next_working_day(day, land) if roll == "forward" else previous_working_day(day, land)
        local = datetime.combine(day, local.time()).replace(tzinfo=BERLIN, fold=local.fold)
    return to_utc(local)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)
    return last - timedelta(days=(last.weekday() + 1) % 7)


# Moments within a few weeks before a change of summer time, at the hours around the change,
# in both folds and in several zones: where skipping a conversion could go wrong.
near_changes = st.builds(
    lambda year, month, days_before, minutes, fold, zone: (
        datetime.combine(
            _last_sunday(year, month) - timedelta(days=days_before),
            time(minutes // 60, minutes % 60, fold=fold),
        )
        .replace(tzinfo=BERLIN)
        .astimezone(zone)
    ),
    st.integers(2000, 2090),
    st.sampled_from([3, 10]),
    st.integers(0, 60),
    st.integers(0, 4 * 60 - 1),
    st.integers(0, 1),
    st.sampled_from([UTC, BERLIN, timezone(timedelta(hours=3))]),
)
signed_durations = st.builds(
    Duration,
    months=st.integers(-36, 36),
    days=st.integers(-400, 400),
    seconds=st.integers(-2 * 86400, 2 * 86400),
)


@given(
    st.one_of(starts, near_changes),
    st.one_of(durations, signed_durations),
    st.sampled_from(["forward", "backward"]),
    st.sampled_from(["ST", "BY", "SN"]),
)
def test_due_at_is_its_rule_spelled_out(
    start: datetime, duration: Duration, roll: str, land: str
) -> None:
    due = due_at(start, duration, roll, land)  # type: ignore[arg-type]

    assert due == _due_as_spelled_out(start, duration, roll, land)
    assert due.tzinfo is UTC


@given(
    st.one_of(
        st.dates(date(2000, 1, 1), date(2090, 12, 31)),
        near_changes.map(lambda moment: to_local(moment).date()),
    ),
    st.times().map(lambda at: at.replace(minute=at.minute // 15 * 15, second=0, microsecond=0)),
    st.one_of(durations, signed_durations),
    st.sampled_from(["forward", "backward"]),
)
def test_due_on_a_day_is_due_at_that_local_day(
    day: date, at: time, duration: Duration, roll: str
) -> None:
    due = due_on(day, at, duration, roll)  # type: ignore[arg-type]

    assert due == due_at(local_day_at(day, at), duration, roll)  # type: ignore[arg-type]
    assert due.tzinfo is UTC


def test_due_on_refuses_a_time_with_zone() -> None:
    with pytest.raises(ValueError, match="Ortszeit ohne Zeitzone"):
        due_on(date(2025, 1, 15), time(18, tzinfo=UTC), Duration(days=-7))
