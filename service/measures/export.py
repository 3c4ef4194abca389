"""Measure lists as CSV for Excel: UTF-8 with BOM, ``;`` between quoted columns, German
numbers and dates, formulas guarded (``service.csv_export``); the API itself returns every
text verbatim.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from service.csv_export import moment, rows_csv, text
from workflow.spec import StateSpec

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


def money(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)):.2f}".replace(".", ",")


def day(value: Any) -> str:
    if not value:
        return ""
    parsed = value if isinstance(value, date) else date.fromisoformat(str(value))
    return parsed.strftime("%d.%m.%Y")


def measures_csv(
    rows: Iterable[tuple[Any, str | None]],
    states: Mapping[str, StateSpec],
    *,
    with_names: bool,
    chunk: int = 200,
) -> Iterator[bytes]:
    """Yields the file in pieces, so a long list streams instead of filling memory."""
    headers = HEADERS if with_names else [h for h in HEADERS if h != "Verantwortlich"]

    def cells() -> Iterator[list[str]]:
        for row, name in rows:
            fields = row.fields or {}
            found = [
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
                del found[4]
            yield found

    for piece in rows_csv(headers, cells(), chunk=chunk):
        yield piece.encode("utf-8")
