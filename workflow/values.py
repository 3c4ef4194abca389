"""Turns data given with a transition into the canonical, JSON-safe value of its field.

Values arrive from JSON, HTML forms and ``--data k=v`` on the command line alike, so text
forms (``21.02.2024``, ``1.234,50``, ``ja``) are accepted as a clerk would type them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from workflow.spec import FieldSpec

JsonValue = str | int | bool | None

# "6.500" or "1.250.000" typed as text: thousands separated by dots, as a clerk writes them
# without cents (a JSON number 6.5 stays six and a half).
_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
_TRUE = {"true", "1", "ja", "yes", "wahr", "on"}
_FALSE = {"false", "0", "nein", "no", "falsch", "off"}


class ValueProblem(ValueError):
    """A value does not fit its field; the message is German and names no field."""


def normalize(spec: FieldSpec, raw: Any) -> JsonValue:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    match spec.type:
        case "text":
            return str(raw).strip()
        case "date":
            return _date(raw).isoformat()
        case "integer":
            return _integer(raw)
        case "percent":
            value = _integer(raw)
            if not 0 <= value <= 100:
                raise ValueProblem("muss zwischen 0 und 100 liegen")
            return value
        case "money":
            return _money(raw)
        case "boolean":
            return _boolean(raw)
        case "choice":
            text = str(raw).strip()
            if text not in spec.options:
                raise ValueProblem(f"erlaubt sind: {', '.join(spec.options)}")
            return text
    raise ValueProblem(f"unbekannter Feldtyp {spec.type}")  # pragma: no cover - loader rejects


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for parse in (date.fromisoformat, _german_date):
        try:
            return parse(text)
        except ValueError:
            continue
    raise ValueProblem("erwartet ein Datum wie 2024-02-21 oder 21.02.2024")


def _german_date(text: str) -> date:
    return datetime.strptime(text, "%d.%m.%Y").date()


def _integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueProblem("erwartet eine ganze Zahl")
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValueProblem("erwartet eine ganze Zahl") from None


def _money(raw: Any) -> str:
    if isinstance(raw, bool):
        raise ValueProblem("erwartet einen Betrag")
    text = str(raw).strip().replace(" ", "").removesuffix("€").removesuffix("EUR")
    if "," in text or (isinstance(raw, str) and _THOUSANDS.fullmatch(text)):
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueProblem("erwartet einen Betrag wie 12500 oder 12.500,00") from None
    if not amount.is_finite() or amount < 0:
        raise ValueProblem("muss ein Betrag von mindestens 0 sein")
    try:
        return str(amount.quantize(Decimal("0.01")))
    except InvalidOperation:  # more digits than the decimal context holds, e.g. 1e30
        raise ValueProblem("ist als Betrag zu groß") from None


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem("erwartet ja oder nein")
