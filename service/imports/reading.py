"""Turning an uploaded table (CSV or Excel) into numbered rows of text keyed by header.

Row numbers are those a user sees: the line in the CSV file (header = 1), the row in the
first Excel sheet. CSV files from German Excel use ``;`` and often Windows-1252; both are
recognised.

The work is bounded before it starts: at most ``MAX_ROWS`` rows below the header and
``MAX_COLUMNS`` columns. An Excel file is a zip whose 72 KB once unpacked into 400,000
cells and five seconds of parsing; so its members' unpacked sizes are added up
(``MAX_UNPACKED``) and its sheets' cells counted in the raw XML before openpyxl reads a
single one. Callers read a table before they open a write transaction.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl

from service.errors import ServiceError

MAX_ROWS = 10_000
MAX_COLUMNS = 50
MAX_UNPACKED = 50 * 1024 * 1024
# Every cell a sheet may hold within the limits, empty formatted ones included, with room.
MAX_CELLS = 2 * (MAX_ROWS + 1) * MAX_COLUMNS
_FILLED_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(?<!/)>')


class TableTooLarge(ServiceError):
    slug = "import-zu-gross"
    title = "Tabelle zu groß"

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"„{filename}“ ist zu groß für einen Import: {reason}")


def _too_many_rows(filename: str) -> TableTooLarge:
    return TableTooLarge(
        filename, f"höchstens {MAX_ROWS:,} Zeilen unter der Kopfzeile.".replace(",", ".")
    )


def _too_many_columns(filename: str) -> TableTooLarge:
    return TableTooLarge(filename, f"höchstens {MAX_COLUMNS} Spalten.")


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
        _check_package(filename, content)
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Unreadable(filename, f"Excel-Datei beschädigt ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        # Bounded even where the XML lacks cell references: one row and column beyond the
        # limits shows that they are exceeded.
        rows = sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS + 1, values_only=True)
        numbered = list(enumerate(rows, start=1))
    finally:
        book.close()
    return _table(filename, ((n, list(cells)) for n, cells in numbered))


def _check_package(filename: str, content: bytes) -> None:
    """Refuses a workbook that would unpack or parse beyond the limits, from the zip's
    directory and the sheets' raw XML (a cell is ``<c r="B7" ...>``)."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        members = package.infolist()
        if sum(m.file_size for m in members) > MAX_UNPACKED:
            raise TableTooLarge(filename, f"entpackt mehr als {MAX_UNPACKED // (1024 * 1024)} MB.")
        for member in members:
            if not member.filename.startswith("xl/worksheets/"):
                continue
            # zipfile stops at the declared size, so this reads at most MAX_UNPACKED.
            xml = package.read(member)
            if xml.count(b"<c ") + xml.count(b"<c>") > MAX_CELLS:
                raise TableTooLarge(
                    filename,
                    f"höchstens {MAX_ROWS:,} Zeilen und {MAX_COLUMNS} Spalten.".replace(",", "."),
                )
            for letters, row in _FILLED_CELL.findall(xml):
                if int(row) > MAX_ROWS + 1:
                    raise _too_many_rows(filename)
                if _column_number(letters) > MAX_COLUMNS:
                    raise _too_many_columns(filename)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


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
        if all(_empty(c) for c in cells):
            continue
        if len(cells) > MAX_COLUMNS:
            if not all(_empty(c) for c in cells[MAX_COLUMNS:]):
                raise _too_many_columns(filename)
            cells = cells[:MAX_COLUMNS]
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows(filename)
        if header is None:
            header = [
                (i, str(c).strip()) for i, c in enumerate(cells) if c is not None and str(c).strip()
            ]
            continue
        rows.append((number, cells))
    if header is None:
        raise Unreadable(filename, "die Datei ist leer")
    return Table(header, rows)


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
