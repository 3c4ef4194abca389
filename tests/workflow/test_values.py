"""Amounts as clerks type them into the web forms."""

from __future__ import annotations

import pytest

from workflow.spec import FieldSpec
from workflow.values import normalize

MONEY = FieldSpec("betrag", "Betrag", "money")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("6.500", "6500.00"),
        ("1.250.000", "1250000.00"),
        ("12.500,50", "12500.50"),
        ("6,5", "6.50"),
        ("6.5", "6.50"),
        ("6.50", "6.50"),
        ("1234.567", "1234.57"),
        ("48000 €", "48000.00"),
    ],
)
def test_dots_between_groups_of_three_digits_are_thousands_separators(
    typed: str, stored: str
) -> None:
    assert normalize(MONEY, typed) == stored


def test_a_number_sent_as_json_keeps_its_decimal_point() -> None:
    assert normalize(MONEY, 123.456) == "123.46"
