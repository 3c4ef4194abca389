"""Measure lists as files: CSV for German Excel (UTF-8 with BOM, ``;`` between quoted
columns, German numbers and dates, formulas guarded: ``service.csv_export``) and .xlsx with
typed cells (``service.xlsx_export``). Both are fed by one row source, ``measure_rows``, so
the two files always hold the same columns; the API itself returns every text verbatim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from service.csv_export import moment, rows_csv, text
from service.xlsx_export import Column, workbook
from workflow.spec import StateSpec

COLUMNS = [
    Column("Kennung", width=12),
    Column("Titel", width=50),
    Column("Zustand", width=22),
    Column("Arbeitspapier", width=40),
    Column("Verantwortlich", width=28),
    Column("Öffentlich", width=10),
    Column("Fortschritt (%)", "percent", width=14),
    Column("Einmalige Kosten (EUR)", "money", width=20),
    Column("Laufende Kosten pro Jahr (EUR)", "money", width=20),
    Column("Zieldatum", "date", width=12),
    Column("Version", "integer", width=9),
    Column("Zuletzt geändert", "moment", width=20),
]
HEADERS = [c.header for c in COLUMNS]
NAMES = HEADERS.index("Verantwortlich")


def money(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)):.2f}".replace(".", ",")


def day(value: Any) -> str:
    if not value:
        return ""
    parsed = value if isinstance(value, date) else date.fromisoformat(str(value))
    return parsed.strftime("%d.%m.%Y")


def columns(*, with_names: bool) -> list[Column]:
    return COLUMNS if with_names else [c for c in COLUMNS if c.header != "Verantwortlich"]


def measure_rows(
    rows: Iterable[tuple[Any, str | None]],
    states: Mapping[str, StateSpec],
    *,
    with_names: bool,
) -> Iterator[list[Any]]:
    """One row of typed values per measure, in the order of ``columns``."""
    for row, name in rows:
        fields = row.fields or {}
        found = [
            row.code,
            row.title,
            states[row.state].label if row.state in states else row.state,
            row.programme_title,
            name,
            "ja" if row.public else "nein",
            fields.get("fortschritt"),
            fields.get("kosten_einmalig"),
            fields.get("kosten_laufend"),
            fields.get("zieldatum") or None,
            row.version,
            row.updated_at,
        ]
        if not with_names:
            del found[NAMES]
        yield found


_CSV_CELL: dict[str, Callable[[Any], str]] = {
    "text": text,
    "integer": lambda v: "" if v is None else str(v),
    "percent": lambda v: "" if v is None else str(v),
    "money": money,
    "date": day,
    "moment": lambda v: "" if v is None else moment(v),
}


def measures_csv(
    rows: Iterable[tuple[Any, str | None]],
    states: Mapping[str, StateSpec],
    *,
    with_names: bool,
    chunk: int = 200,
) -> Iterator[bytes]:
    """Yields the file in pieces, so a long list streams instead of filling memory."""
    chosen = columns(with_names=with_names)
    cells = (
        [_CSV_CELL[c.kind](v) for c, v in zip(chosen, found, strict=True)]
        for found in measure_rows(rows, states, with_names=with_names)
    )
    for piece in rows_csv([c.header for c in chosen], cells, chunk=chunk):
        yield piece.encode("utf-8")


def measures_xlsx(
    rows: Iterable[tuple[Any, str | None]], states: Mapping[str, StateSpec], *, with_names: bool
) -> bytes:
    return workbook(
        "Maßnahmen",
        columns(with_names=with_names),
        measure_rows(rows, states, with_names=with_names),
    )
