"""German display of dates, times, amounts and field values (Jinja filters)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from workflow.calendar import to_local
from workflow.spec import FieldSpec


def date_de(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]).strftime("%d.%m.%Y")
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.strftime("%d.%m.%Y")


def datetime_de(value: datetime | None) -> str:
    if value is None:
        return "–"
    return to_local(value).strftime("%d.%m.%Y, %H:%M Uhr")


def money_de(value: Decimal | int | float | str | None) -> str:
    if value is None or value == "":
        return "–"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} €"


def size_de(value: int | None) -> str:
    """File sizes as people read them: 12,3 KB."""
    if value is None:
        return "–"
    if value < 1024:
        return f"{value} Byte"
    if value < 1024 * 1024:
        return f"{value / 1024:.1f} KB".replace(".", ",")
    return f"{value / (1024 * 1024):.1f} MB".replace(".", ",")


def field_value(spec: FieldSpec | None, value: Any) -> str:
    if value is None or value == "":
        return "–"
    kind = spec.type if spec else None
    if kind == "boolean" or isinstance(value, bool):
        return "ja" if value else "nein"
    if kind == "money":
        return money_de(value)
    if kind == "date":
        return date_de(value)
    if kind == "percent":
        return f"{value} %"
    return str(value)
