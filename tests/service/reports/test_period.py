from __future__ import annotations

import re
from datetime import date

import pytest

from service.reports.period import InvalidPeriod, Period, parse_period, period_of


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2024-H1", date(2024, 1, 1), date(2024, 6, 30), "1. Halbjahr 2024"),
        (" 2024-H2 ", date(2024, 7, 1), date(2024, 12, 31), "2. Halbjahr 2024"),
    ],
)
def test_a_half_year_runs_from_its_first_to_its_last_day(
    text: str, start: date, end: date, label: str
) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.key == text.strip()


@pytest.mark.parametrize(
    "text", ["2024-H3", "2024-H0", "2024", "24-H1", "2024-h1x", "", "H1-2024", "٢٠٢٤-H1"]
)
def test_anything_else_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(InvalidPeriod, match=re.escape("z. B. 2024-H1")):
        parse_period(text)


def test_years_before_any_data_are_refused() -> None:
    with pytest.raises(InvalidPeriod, match="vor dem Jahr 2000"):
        parse_period("1999-H2")


def test_the_period_of_a_day_and_the_one_before_it() -> None:
    assert period_of(date(2024, 6, 30)) == Period(2024, 1)
    assert period_of(date(2024, 7, 1)) == Period(2024, 2)
    assert Period(2024, 1).previous() == Period(2023, 2)
    assert Period(2024, 2).previous() == Period(2024, 1)
