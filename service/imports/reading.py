"""Turning an uploaded table (CSV or Excel) into numbered rows of text keyed by header.

Row numbers are those a user sees: the line in the CSV file (header = 1), the row in the
first Excel sheet. CSV files from German Excel use ``;`` and often Windows-1252; both are
recognised.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl

from service.errors import ServiceError


class Unreadable(ServiceError):
    slug = "import-unlesbar"
    title = "Datei nicht lesbar"

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"„{filename}“ ist keine lesbare CSV- oder Excel-Datei: {reason}")


@dataclass(frozen=True)
class Table:
    headers: list[tuple[int, str]]  # (column index, header text), empty headers left out
    rows: list[tuple[int, list[Any]]]  # (row number, cells)


def read_table(filename: str, content: bytes) -> Table:
    if content.startswith(b"PK\x03\x04"):
        return _excel(filename, content)
    return _csv(filename, content)


def _excel(filename: str, content: bytes) -> Table:
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Unreadable(filename, f"Excel-Datei beschädigt ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        numbered = list(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        book.close()
    return _table(filename, ((n, list(cells)) for n, cells in numbered))


def _csv(filename: str, content: bytes) -> Table:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Unreadable(filename, "unbekannte Zeichenkodierung (erwartet UTF-8 oder Windows-1252)")
    if "\x00" in text:
        raise Unreadable(filename, "die Datei enthält Binärdaten")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for cells in reader:
                yield reader.line_num, list(cells)
        except csv.Error as exc:
            raise Unreadable(filename, f"Zeile {reader.line_num}: {exc}") from None

    return _table(filename, numbered())


def _table(filename: str, numbered: Iterator[tuple[int, list[Any]]]) -> Table:
    header: list[tuple[int, str]] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in numbered:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        if header is None:
            header = [
                (i, str(c).strip()) for i, c in enumerate(cells) if c is not None and str(c).strip()
            ]
            continue
        rows.append((number, cells))
    if header is None:
        raise Unreadable(filename, "die Datei ist leer")
    return Table(header, rows)
