"""Amounts and whole numbers: typed by a person the German way, sent by a machine with a
point, and never read two ways."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from workflow.spec import FieldSpec
from workflow.values import Typed, ValueProblem, as_typed, normalize

MONEY = FieldSpec("betrag", "Betrag", "money")
YEAR = FieldSpec("jahr", "Haushaltsjahr", "integer")
PERCENT = FieldSpec("fortschritt", "Fortschritt", "percent")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("6.500", "6500.00"),
        ("1.250.000", "1250000.00"),
        ("12.500,50", "12500.50"),
        ("6,5", "6.50"),
        ("6500", "6500.00"),
        ("48000 €", "48000.00"),
        ("12 500,00 EUR", "12500.00"),
    ],
)
def test_a_typed_amount_has_dots_between_thousands_and_a_decimal_comma(
    typed: str, stored: str
) -> None:
    assert normalize(MONEY, Typed(typed)) == stored


@pytest.mark.parametrize("typed", ["6.5", "6.50", "1234.567", "12,345", "1e3", "1.2345", "-5"])
def test_a_typed_amount_with_a_decimal_point_or_more_than_two_decimals_is_refused(
    typed: str,
) -> None:
    with pytest.raises(ValueProblem):
        normalize(MONEY, Typed(typed))


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        (12500, "12500.00"),
        (12500.5, "12500.50"),
        (2027.0, "2027.00"),
        ("12500.00", "12500.00"),
        ("0.5", "0.50"),
        (Decimal("12.500"), "12.50"),
    ],
)
def test_a_machine_amount_is_a_number_or_decimal_text_with_a_point(sent: Any, stored: str) -> None:
    assert normalize(MONEY, sent) == stored


@pytest.mark.parametrize(
    ("sent", "reason"),
    [
        ("1e3", "erwartet einen Betrag wie 12500.00"),
        ("12.500,00", "erwartet einen Betrag wie 12500.00"),
        ("12.500", "hat mehr als zwei Nachkommastellen"),
        (123.456, "hat mehr als zwei Nachkommastellen"),
        (0.1 + 0.2, "hat mehr als zwei Nachkommastellen"),
        (float("nan"), "erwartet einen Betrag"),
        (float("inf"), "erwartet einen Betrag"),
        ("NaN", "erwartet einen Betrag"),
        ("1_000", "erwartet einen Betrag"),
        ("١٢", "erwartet einen Betrag"),
        (True, "erwartet einen Betrag"),
        (-1, "mindestens 0"),
        ("-1", "mindestens 0"),
        (1e300, "zu groß"),
    ],
)
def test_a_machine_amount_takes_no_exponent_no_german_notation_and_two_decimals_at_most(
    sent: Any, reason: str
) -> None:
    with pytest.raises(ValueProblem, match=reason):
        normalize(MONEY, sent)


@pytest.mark.parametrize("sent", [2026, 2026.0, "2026", Typed("2026"), " 2026 "])
def test_a_whole_number_is_read_alike_in_either_notation(sent: Any) -> None:
    assert normalize(YEAR, sent) == 2026


@pytest.mark.parametrize("sent", [2026.5, "2026.5", "2026,0", "1e3", "2_026", "٢٠٢٦", True])
def test_a_whole_number_takes_no_fraction_and_nothing_but_ascii_digits(sent: Any) -> None:
    with pytest.raises(ValueProblem, match="ganze Zahl"):
        normalize(YEAR, sent)
    with pytest.raises(ValueProblem):
        normalize(PERCENT, sent)


def test_a_door_marks_only_text_as_typed() -> None:
    marked = as_typed({"a": "1.000", "b": 5, "c": None})
    assert isinstance(marked["a"], Typed) and marked["b"] == 5 and marked["c"] is None
    assert normalize(MONEY, marked["a"]) == "1000.00"
