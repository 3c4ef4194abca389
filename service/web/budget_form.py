"""The amounts of a Haushaltsansatz as the Kämmerei's forms show and read them.

Who may change which amount is the budget service's to say (``budget.changeable``); the
forms only show its answer, and send on whatever was posted for the service to judge.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workflow.spec import FieldSpec
from workflow.values import Typed, ValueProblem, normalize

# form field -> (column, label)
AMOUNTS = {
    "einmalig": ("one_off_planned", "einmalig geplant"),
    "laufend": ("recurring_planned", "laufend geplant"),
    "bewilligt": ("approved", "bewilligt"),
    "verausgabt": ("spent", "verausgabt"),
}
ACCOUNT = "konto"
COLUMNS = ("one_off_planned", "recurring_planned", "approved", "spent")
# The form's name of each column it shows.
INPUTS = {**{column: name for name, (column, _) in AMOUNTS.items()}, "product_account": ACCOUNT}


def may_change(columns: frozenset[str]) -> dict[str, bool]:
    """Per input of the form: whether its column is among those the service lets change."""
    return {name: column in columns for column, name in INPUTS.items()}


def totals(rows: list[Any]) -> dict[str, Decimal]:
    return {c: sum((getattr(r, c) or Decimal(0) for r in rows), Decimal(0)) for c in COLUMNS}


def money(label: str, raw: str | None) -> tuple[Decimal | None, str | None]:
    """An amount as typed (``12.500,00``) or the German reason it is not one."""
    try:
        value = normalize(FieldSpec("betrag", label, "money"), Typed(raw or ""))
    except ValueProblem as exc:
        return None, f"{label}: {exc}."
    if value is None:
        return None, None
    amount = Decimal(str(value))
    if amount >= Decimal("1e12"):
        return None, f"{label}: der Betrag ist zu groß."
    return amount, None
