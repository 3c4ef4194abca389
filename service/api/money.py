"""Amounts of money in the API: one rule for every amount a client sends.

A budget line's amounts follow the rule of step data and measure fields
(``workflow.values``, machine notation): a JSON number or plain decimal text with a point
(``12500.5``, ``"12500.50"``), not negative, finite, at most two decimals; no exponent, no
thousands separator, no comma, so ``"12.500"`` is refused rather than read as twelve and a
half or as twelve thousand. The refusal is the same German sentence as for step data (the
web forms and the command line read ``12.500,00`` as a clerk types it, through their own
doors). A column holds 12 digits before the point. An answer always carries the amount as
text with exactly two decimals, so no client reads it as a binary float.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from workflow.values import PLAIN_AMOUNT_HINT, TOO_LARGE, ValueProblem, plain_amount

# What the rule admits as text, stated in the schema (a JSON number is the other form).
# Spaces around it are dropped as in step data; leading zeros count for nothing.
MONEY_PATTERN = r"^\s*0*[0-9]{1,12}(\.[0-9]{1,2})?\s*$"
MONEY_OUT_PATTERN = r"^-?(0|[1-9][0-9]*)\.[0-9]{2}$"
MONEY_MESSAGE = PLAIN_AMOUNT_HINT
# Numeric(14, 2): twelve digits before the point.
_LIMIT = Decimal(10) ** 12


def _amount(value: Any) -> Decimal:
    try:
        amount = plain_amount(value)
    except ValueProblem as problem:
        raise PydanticCustomError("money_text", str(problem)) from None
    if amount >= _LIMIT:
        raise PydanticCustomError("money_text", TOO_LARGE)
    return amount


def _text(value: Decimal) -> str:
    return format(value, ".2f")


MoneyIn = Annotated[
    Decimal,
    PlainValidator(_amount, json_schema_input_type=str),
    # Written back as JSON (the Idempotency-Key's record of the request) as answers write
    # it; a Decimal in Python.
    PlainSerializer(_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "number",
                    "minimum": 0,
                    "exclusiveMaximum": 10**12,
                    "multipleOf": 0.01,
                },
                {"type": "string", "pattern": MONEY_PATTERN},
            ],
            "examples": ["12500.00", 12500.5],
            "description": "Betrag in Euro: JSON-Zahl oder Text mit Punkt, nicht negativ, "
            "höchstens zwei Nachkommastellen, kein Tausenderpunkt.",
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
