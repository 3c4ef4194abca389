"""Streaming exports of a search as CSV or JSON: one event at a time, constant memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from service.audit.search import FoundEvent

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
CSV_COLUMNS = [
    "seq",
    "chain_key",
    "ts",
    "actor_id",
    "actor",
    "role",
    "action",
    "entity_type",
    "entity_id",
    "persons",
    "comment",
    "changes",
    "context",
    "request_id",
    "hash",
]
# A cell starting with one of these runs as a formula when the file is opened in a
# spreadsheet (CSV injection); a leading apostrophe keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return str(value)


def csv_lines(found: Iterable[FoundEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flush()  # the BOM lets spreadsheet programs read UTF-8 umlauts
    for event in found:
        data = as_dict(event)
        writer.writerow([_cell(data[column]) for column in CSV_COLUMNS])
        yield flush()


def json_chunks(found: Iterable[FoundEvent]) -> Iterator[str]:
    yield "["
    separator = "\n"
    for event in found:
        yield separator + json.dumps(as_dict(event), ensure_ascii=False, sort_keys=True)
        separator = ",\n"
    yield "\n]\n"


def stream(kind: str, found: Iterable[FoundEvent]) -> Iterator[str]:
    return csv_lines(found) if kind == "csv" else json_chunks(found)
