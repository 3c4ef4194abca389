"""What a budget line may hold, however it is written.

A line is typed by hand (``service.new_line``, ``update_line``) or planned by the measure's
budget step (``planning``); both are judged here, so the Haushalt never holds a line that
the other way would refuse. The limits are the ones the columns and the pages keep: a
Haushaltsjahr the budget pages can show, a Produkt/Konto of at most 50 characters, and an
amount the column (NUMERIC(14, 2)) can hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from service import texts
from service.texts import TextRule
from workflow.errors import FieldProblem

ACCOUNT_LENGTH = 50
FIRST_YEAR, LAST_YEAR = 1990, 2100
ACCOUNT = TextRule("Produkt/Konto", ACCOUNT_LENGTH)
LARGEST_AMOUNT = Decimal("999999999999.99")
AMOUNTS = ("one_off_planned", "recurring_planned", "approved", "spent")
LABELS = {
    "fiscal_year": "Haushaltsjahr",
    "product_account": "Produkt/Konto",
    "one_off_planned": "einmalig geplant",
    "recurring_planned": "laufend geplant",
    "approved": "bewilligt",
    "spent": "verausgabt",
}


def line_problems(
    values: Mapping[str, Any],
    named: Mapping[str, tuple[str, str]] | None = None,
    *,
    last_year: int = LAST_YEAR,
) -> list[FieldProblem]:
    """Why ``values`` (column -> value, only the given ones) cannot be a line's.

    ``named``: column -> (input, label) where the values were typed into other inputs than
    the line's own (a step's fields). ``last_year``: the last year allowed for
    ``fiscal_year``, lower where a value goes on into the following years too.
    """
    inputs = {column: (column, label) for column, label in LABELS.items()} | dict(named or {})

    def problem(column: str, message: str) -> FieldProblem:
        field, label = inputs[column]
        return FieldProblem(field, label, message)

    found: list[FieldProblem] = []
    year = values.get("fiscal_year")
    if isinstance(year, int) and not FIRST_YEAR <= year <= last_year:
        found.append(problem("fiscal_year", f"von {FIRST_YEAR} bis {last_year}."))
    for column in AMOUNTS:
        if column in values and _too_large(values[column]):
            found.append(problem(column, f"höchstens {_euros(LARGEST_AMOUNT)} Euro."))
    if message := texts.problem(ACCOUNT, values.get("product_account")):
        found.append(problem("product_account", message))
    return found


def _too_large(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return False
    try:
        return abs(Decimal(str(value))) > LARGEST_AMOUNT
    except InvalidOperation:
        return False  # no amount at all: the caller's type check says so


def _euros(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
