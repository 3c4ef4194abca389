"""Exports of a search as CSV, JSON or Excel: CSV and JSON stream one event at a time in
constant memory; the workbook (``service.xlsx_export``) is built from the same rows and sent
once complete.

CSV and Excel are read by people: each event in words as the /protokoll page shows it
(``labels.row``: names, German labels, the changes and context in sentences, local time).
The CSV is for German Excel like every export of ratsflow (``service.csv_export``): UTF-8
with BOM, ``;``, every field quoted, formulas guarded. A comment ``x;=1+1`` thus stays one
cell of text. JSON keeps the machine form (codes, ids, UTC) for programs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from service.audit.labels import Wording, row
from service.audit.search import FoundEvent
from service.csv_export import moment, rows_csv, text
from service.xlsx_export import MEDIA_TYPE, Column, workbook

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json", "xlsx": MEDIA_TYPE}
# An event with the words of its page (``naming.wording``).
Worded = tuple[FoundEvent, Wording]
HEADERS = [
    "Laufnummer",
    "Zeit (Europe/Berlin)",
    "Benutzer",
    "Rolle",
    "Aktion",
    "Objekt",
    "Betroffene Personen",
    "Änderungen",
    "Kontext",
    "Kommentar oder Zweck",
    "Anfrage-ID",
    "Hash",
]
_TIME = HEADERS.index("Zeit (Europe/Berlin)")
# The workbook's columns: the number and the time typed, everything else text.
XLSX_KINDS: dict[str, Any] = {"Laufnummer": "integer", "Zeit (Europe/Berlin)": "moment"}
XLSX_COLUMNS = [
    Column(
        header,
        XLSX_KINDS.get(header, "text"),
        width=40 if header in ("Änderungen", "Kontext") else 16,
    )
    for header in HEADERS
]


def as_dict(event: FoundEvent) -> dict[str, Any]:
    data = asdict(event)
    data["ts"] = event.ts.isoformat()
    data.pop("id")
    return data


def _values(worded: Worded) -> list[Any]:
    """The row source of both files, in the order of ``HEADERS``; several lines of a cell
    (changes, context) one below the other."""
    event, words = worded
    shown = row(event, words)
    persons = ", ".join(words.name("person", p) for p in event.persons)
    return [
        event.seq,
        event.ts,
        shown.actor,
        shown.role,
        shown.action,
        shown.entity,
        persons or None,
        "\n".join(words.change(key, pair) for key, pair in event.changes.items()) or None,
        "\n".join(words.context(event.context)) or None,
        event.comment,
        event.request_id,
        event.hash,
    ]


def _row(worded: Worded) -> list[str]:
    cells = [text(None if v is None else str(v)) for v in _values(worded)]
    cells[_TIME] = moment(worded[0].ts, seconds=True)
    return cells


def csv_lines(found: Iterable[Worded]) -> Iterator[str]:
    return rows_csv(HEADERS, (_row(w) for w in found), chunk=100)


def json_chunks(found: Iterable[FoundEvent]) -> Iterator[str]:
    yield "["
    separator = "\n"
    for event in found:
        yield separator + json.dumps(as_dict(event), ensure_ascii=False, sort_keys=True)
        separator = ",\n"
    yield "\n]\n"


def xlsx_chunks(found: Iterable[Worded]) -> Iterator[bytes]:
    # A generator, so the events are read only when the answer is sent, after the export
    # itself was recorded.
    yield workbook("Protokoll", XLSX_COLUMNS, (_values(w) for w in found))
