"""Measure lists as CSV for Excel: UTF-8 with BOM, ``;`` between columns, German numbers.

German Excel opens such a file with a double click and reads umlauts, amounts (``185000,00``)
and dates (``31.12.2025``) correctly. Text that begins like a formula (``=``, ``+``, ``-``,
``@``) is prefixed with ``'`` so that a spreadsheet shows it instead of running it
(CSV injection); the API itself returns every text verbatim.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from workflow.calendar import to_local
from workflow.spec import StateSpec

BOM = "\ufeff"
HEADERS = [
    "Kennung",
    "Titel",
    "Zustand",
    "Arbeitspapier",
    "Verantwortlich",
    "Öffentlich",
    "Fortschritt (%)",
    "Einmalige Kosten (EUR)",
    "Laufende Kosten pro Jahr (EUR)",
    "Zieldatum",
    "Version",
    "Zuletzt geändert",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def money(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)):.2f}".replace(".", ",")


def day(value: Any) -> str:
    if not value:
        return ""
    parsed = value if isinstance(value, date) else date.fromisoformat(str(value))
    return parsed.strftime("%d.%m.%Y")


def moment(value: datetime) -> str:
    return to_local(value).strftime("%d.%m.%Y %H:%M")


def measures_csv(
    rows: Iterable[tuple[Any, str | None]],
    states: Mapping[str, StateSpec],
    *,
    with_names: bool,
    chunk: int = 200,
) -> Iterator[bytes]:
    """Yields the file in pieces, so a long list streams instead of filling memory."""
    headers = HEADERS if with_names else [h for h in HEADERS if h != "Verantwortlich"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(headers)
    for count, (row, name) in enumerate(rows, start=1):
        fields = row.fields or {}
        cells = [
            text(row.code),
            text(row.title),
            states[row.state].label if row.state in states else row.state,
            text(row.programme_title),
            text(name),
            "ja" if row.public else "nein",
            "" if fields.get("fortschritt") is None else str(fields["fortschritt"]),
            money(fields.get("kosten_einmalig")),
            money(fields.get("kosten_laufend")),
            day(fields.get("zieldatum")),
            str(row.version),
            moment(row.updated_at),
        ]
        if not with_names:
            del cells[4]
        writer.writerow(cells)
        if count % chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
