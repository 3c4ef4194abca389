"""Exports of a search as CSV, JSON or Excel: CSV and JSON stream one event at a time in
constant memory; the workbook (``service.xlsx_export``) is built from the same rows and sent
once complete.

The CSV is for German Excel like every export of ratsflow (``service.csv_export``): UTF-8
with BOM, ``;``, every field quoted, formulas guarded, German headers and local time. A
comment ``x;=1+1`` thus stays one cell of text. JSON keeps the machine form (UTC, ids).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from service.audit.search import FoundEvent
from service.csv_export import moment, rows_csv, text
from service.xlsx_export import MEDIA_TYPE, Column, workbook

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json", "xlsx": MEDIA_TYPE}
# Field of an event and its column in German.
CSV_COLUMNS = {
    "seq": "Laufnummer",
    "chain_key": "Kette",
    "ts": "Zeit (Europe/Berlin)",
    "actor_id": "Benutzer-Nr.",
    "actor": "Benutzer",
    "role": "Rolle",
    "action": "Aktion",
    "entity_type": "Objektart",
    "entity_id": "Objekt-Nr.",
    "persons": "Betroffene Personen (Nr.)",
    "comment": "Kommentar oder Zweck",
    "changes": "Änderungen",
    "context": "Kontext",
    "request_id": "Anfrage-ID",
    "hash": "Hash",
}


# The workbook's columns: numbers and the time typed, everything else text.
XLSX_KINDS: dict[str, Any] = {"seq": "integer", "ts": "moment", "actor_id": "integer"}
XLSX_COLUMNS = [
    Column(header, XLSX_KINDS.get(field, "text"), width=40 if field == "changes" else 16)
    for field, header in CSV_COLUMNS.items()
]


def as_dict(event: FoundEvent) -> dict[str, Any]:
    data = asdict(event)
    data["ts"] = event.ts.isoformat()
    data.pop("id")
    return data


def _plain(value: Any) -> Any:
    """A value as one cell: id lists spaced, structures as JSON, the rest as it is."""
    if isinstance(value, list) and all(isinstance(v, int) for v in value):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _values(event: FoundEvent) -> list[Any]:
    """The row source of both files, in the order of ``CSV_COLUMNS``."""
    data = asdict(event)
    return [_plain(data[column]) for column in CSV_COLUMNS]


def _row(event: FoundEvent) -> list[str]:
    cells = [text(None if v is None else str(v)) for v in _values(event)]
    cells[list(CSV_COLUMNS).index("ts")] = moment(event.ts, seconds=True)
    return cells


def csv_lines(found: Iterable[FoundEvent]) -> Iterator[str]:
    return rows_csv(list(CSV_COLUMNS.values()), (_row(e) for e in found), chunk=100)


def json_chunks(found: Iterable[FoundEvent]) -> Iterator[str]:
    yield "["
    separator = "\n"
    for event in found:
        yield separator + json.dumps(as_dict(event), ensure_ascii=False, sort_keys=True)
        separator = ",\n"
    yield "\n]\n"


def xlsx_chunks(found: Iterable[FoundEvent]) -> Iterator[bytes]:
    # A generator, so the events are read only when the answer is sent, after the export
    # itself was recorded.
    yield workbook("Protokoll", XLSX_COLUMNS, (_values(e) for e in found))


def stream(kind: str, found: Iterable[FoundEvent]) -> Iterator[str] | Iterator[bytes]:
    if kind == "xlsx":
        return xlsx_chunks(found)
    return csv_lines(found) if kind == "csv" else json_chunks(found)
