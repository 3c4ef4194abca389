"""The amounts of a Haushaltsansatz as the Kämmerei's forms show and read them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workflow.spec import FieldSpec
from workflow.values import Typed, ValueProblem, normalize

# form field -> (column, label, permission that may change it)
AMOUNTS = {
    "einmalig": ("one_off_planned", "einmalig geplant", "budget.plan"),
    "laufend": ("recurring_planned", "laufend geplant", "budget.plan"),
    "bewilligt": ("approved", "bewilligt", "budget.approve"),
    "verausgabt": ("spent", "verausgabt", "budget.spend"),
}
COLUMNS = ("one_off_planned", "recurring_planned", "approved", "spent")


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
    if amount < 0:
        return None, f"{label}: der Betrag darf nicht negativ sein."
    if amount >= Decimal("1e12"):
        return None, f"{label}: der Betrag ist zu groß."
    return amount, None
