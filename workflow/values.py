"""Turns data given with a transition into the canonical, JSON-safe value of its field.

Numbers come in two notations, and each value is read in exactly one of them, so that
``12.500`` never means two things:

- **machine notation** (the API's JSON, Python callers): a JSON number, or plain decimal
  text with a point (``"12500.00"``); no thousands separator, no exponent, no comma.
  ``"12.500"`` is twelve and a half written with three decimals, and refused as such.
- **typed notation** (what a person typed into a web form, on the command line or into a
  clerk's table), marked by wrapping it in ``Typed``: German, ``12.500,00`` or ``12500``;
  a point only ever separates thousands, so ``12.500`` is twelve thousand five hundred.

Either way an amount has at most two decimals and is finite; a whole number has no fraction.
Dates are read as ``2024-02-21`` or ``21.02.2024`` and yes/no as ``ja``/``nein`` or
``true``/``false`` in both notations, since neither can be misread.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from workflow.spec import FieldSpec

JsonValue = str | int | bool | None

_PLAIN_AMOUNT = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<cents>[0-9]+))?")
# "12.500,00", "1.250.000", "12500,5": dots between groups of three digits, a decimal comma.
_GERMAN_AMOUNT = re.compile(r"(?P<whole>[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+)(?:,(?P<cents>[0-9]+))?")
# Enough for any year, count or percentage, and short of int()'s limit on digits.
_WHOLE = re.compile(r"-?[0-9]{1,18}")
_CENT = Decimal("0.01")
_TRUE = {"true", "1", "ja", "yes", "wahr", "on"}
_FALSE = {"false", "0", "nein", "no", "falsch", "off"}

PLAIN_AMOUNT_HINT = (
    "erwartet einen Betrag wie 12500.00: Ziffern, ein Punkt vor höchstens zwei "
    "Nachkommastellen, kein Tausenderpunkt"
)
GERMAN_AMOUNT_HINT = (
    "erwartet einen Betrag wie 12.500,00: ein Komma vor höchstens zwei Nachkommastellen, "
    "Punkte nur zwischen Tausendern"
)
TOO_MANY_DECIMALS = "hat mehr als zwei Nachkommastellen"
POINT_IS_DECIMAL = (
    " (der Punkt steht hier vor den Nachkommastellen; Tausender werden nicht getrennt)"
)
NEGATIVE = "muss ein Betrag von mindestens 0 sein"
TOO_LARGE = "ist als Betrag zu groß"
WHOLE_HINT = "erwartet eine ganze Zahl wie 2026, ohne Nachkommastellen"


class ValueProblem(ValueError):
    """A value does not fit its field; the message is German and names no field."""


class Typed(str):
    """Text a person typed: read in German notation (``12.500,00``). Doors where people
    type (web forms, the command line, a clerk's table) wrap their values in it; anything
    not wrapped is machine notation."""

    __slots__ = ()


def as_typed(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every text wrapped as typed by a person (see ``Typed``)."""
    return {k: Typed(v) if isinstance(v, str) else v for k, v in values.items()}


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
        raise ValueProblem(WHOLE_HINT)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float | Decimal):
        # JSON has one kind of number: 2026.0 is the whole number 2026, as in JSON Schema.
        if math.isfinite(raw) and raw == int(raw):
            return int(raw)
        raise ValueProblem(WHOLE_HINT)
    text = str(raw).strip()
    if not _WHOLE.fullmatch(text):
        raise ValueProblem(WHOLE_HINT)
    return int(text)


def _money(raw: Any) -> str:
    if isinstance(raw, bool):
        raise ValueProblem(PLAIN_AMOUNT_HINT)
    if isinstance(raw, int | float | Decimal):
        amount = _number(raw)
    elif isinstance(raw, Typed):
        text = raw.strip().removesuffix("€").removesuffix("EUR")
        text = text.replace(" ", "").replace("\u00a0", "")
        amount = _text_amount(text, german=True)
    else:
        amount = _text_amount(str(raw).strip(), german=False)
    if amount < 0:
        raise ValueProblem(NEGATIVE)
    try:
        return str(amount.quantize(_CENT))
    except InvalidOperation:  # more digits than the decimal context holds
        raise ValueProblem(TOO_LARGE) from None


def plain_amount(raw: Any) -> Decimal:
    """An amount in machine notation, as every money field of the API takes it (also a
    budget line's, ``service.api.money``): a JSON number or plain decimal text with a point."""
    if isinstance(raw, Typed):
        raw = str.__str__(raw)
    return Decimal(_money(raw))


def _number(raw: int | float | Decimal) -> Decimal:
    """A number as JSON or Python gives it; a float by its shortest decimal form, which is
    the literal the client wrote (``12500.5``), so a binary float adds no digits."""
    if isinstance(raw, float | Decimal) and not math.isfinite(raw):
        raise ValueProblem(PLAIN_AMOUNT_HINT)
    amount = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    # normalize() drops trailing zeros first: Decimal("12.500") has two decimals' worth.
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueProblem(TOO_MANY_DECIMALS)
    return amount


def _text_amount(text: str, *, german: bool) -> Decimal:
    pattern = _GERMAN_AMOUNT if german else _PLAIN_AMOUNT
    negative = text.startswith("-")
    match = pattern.fullmatch(text.removeprefix("-"))
    if match is None:
        raise ValueProblem(GERMAN_AMOUNT_HINT if german else PLAIN_AMOUNT_HINT)
    if negative:
        raise ValueProblem(NEGATIVE)
    whole, cents = match["whole"], match["cents"] or ""
    if len(cents) > 2:
        raise ValueProblem(TOO_MANY_DECIMALS + ("" if german else POINT_IS_DECIMAL))
    if german:
        whole = whole.replace(".", "")
    return Decimal(f"{whole}.{cents or '0'}")


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem("erwartet ja oder nein")
