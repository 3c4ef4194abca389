"""Amounts of money in the API: decimal text with a stated pattern, never a JSON number.

A JSON number is a binary float in most clients (``0.1 + 0.2``), so the API takes and gives
euros as text: ``"12500.00"``. A request states at most 12 digits before and 2 after the
point, no sign, no exponent, no thousands separator; anything else is a 422 with a German
message (the web forms and the command line read ``12.500,00`` as a clerk types it, through
their own doors). An answer always carries exactly two decimals.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

MONEY_PATTERN = r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$"
MONEY_OUT_PATTERN = r"^-?(0|[1-9][0-9]*)\.[0-9]{2}$"
_PATTERN = re.compile(MONEY_PATTERN)


MONEY_MESSAGE = (
    "erwartet einen Betrag in Euro als Text mit Punkt und höchstens zwei Nachkommastellen, "
    'z. B. "12500.00"'
)


def _amount(value: Any) -> Decimal:
    if isinstance(value, Decimal):  # from Python (services, tests), never from JSON
        value = str(value)
    if not isinstance(value, str) or not _PATTERN.fullmatch(value):
        raise PydanticCustomError("money_text", MONEY_MESSAGE)
    return Decimal(value)


def _text(value: Decimal) -> str:
    return format(value, ".2f")


MoneyIn = Annotated[
    Decimal,
    PlainValidator(_amount, json_schema_input_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "maxLength": 15,
            "examples": ["12500.00"],
            "description": "Betrag in Euro als Text: Ziffern, Punkt, höchstens zwei "
            "Nachkommastellen.",
        }
    ),
]

Money = Annotated[
    Decimal,
    PlainSerializer(_text, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_OUT_PATTERN,
            "examples": ["12500.00"],
            "description": "Betrag in Euro als Text mit zwei Nachkommastellen.",
        }
    ),
]
