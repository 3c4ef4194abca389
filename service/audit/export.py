"""Streaming exports of a search as CSV or JSON: one event at a time, constant memory.

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

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
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


def as_dict(event: FoundEvent) -> dict[str, Any]:
    data = asdict(event)
    data["ts"] = event.ts.isoformat()
    data.pop("id")
    return data


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, int) for v in value):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict | list):
        return text(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return text(str(value))


def _row(event: FoundEvent) -> list[str]:
    data = asdict(event)
    data["ts"] = moment(event.ts, seconds=True)
    return [_cell(data[column]) for column in CSV_COLUMNS]


def csv_lines(found: Iterable[FoundEvent]) -> Iterator[str]:
    return rows_csv(list(CSV_COLUMNS.values()), (_row(e) for e in found), chunk=100)


def json_chunks(found: Iterable[FoundEvent]) -> Iterator[str]:
    yield "["
    separator = "\n"
    for event in found:
        yield separator + json.dumps(as_dict(event), ensure_ascii=False, sort_keys=True)
        separator = ",\n"
    yield "\n]\n"


def stream(kind: str, found: Iterable[FoundEvent]) -> Iterator[str]:
    return csv_lines(found) if kind == "csv" else json_chunks(found)
