"""Turning an uploaded table (CSV or Excel) into numbered rows of text keyed by header.

Row numbers are those a user sees: the line in the CSV file where the row begins (header =
1), the row in the first Excel sheet. CSV files from German Excel use ``;`` and often
Windows-1252, its „Unicode-Text“ tabs and UTF-16; all are recognised.

The work is bounded before it starts: at most ``MAX_ROWS`` rows below the header and
``MAX_COLUMNS`` columns. An Excel file is a zip whose 72 KB once unpacked into 400,000
cells and five seconds of parsing; so its members' unpacked sizes are added up
(``MAX_UNPACKED``) and its sheets' cells counted in the raw XML before openpyxl reads a
single one. Callers read a table before they open a write transaction.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
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
    text = _decoded(filename, content)
    if "\x00" in text:
        raise Unreadable(filename, "die Datei enthält Binärdaten")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    return _table(filename, _records(filename, text, delimiter))


def _decoded(filename: str, content: bytes) -> str:
    """The text of a CSV file as Excel saves one: „CSV UTF-8“ (with a byte order mark),
    „CSV (Trennzeichen-getrennt)“ in Windows-1252, or „Unicode-Text“ in UTF-16 (with a
    byte order mark, tab-separated)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif _utf16_without_mark(content):
        encodings = ("utf-16-le",) if content[1] == 0 else ("utf-16-be",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    if encodings[0].startswith("utf-16"):
        raise Unreadable(filename, "Zeichenkodierung UTF-16, aber der Text ist darin ungültig")
    raise Unreadable(
        filename, "unbekannte Zeichenkodierung (erwartet UTF-8, Windows-1252 oder UTF-16)"
    )


def _utf16_without_mark(content: bytes) -> bool:
    """UTF-16 without a byte order mark: in a table's head (Latin letters, digits,
    separators) every other byte is zero."""
    head = content[:200]
    if len(head) < 4 or len(head) % 2:
        return False
    return not any(head[1::2]) or not any(head[0::2])


def _records(filename: str, text: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    """The file's records, each with the line it begins on (``line_num`` is the line it
    ends on: later, for a quoted cell with line breaks)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start, last = 1, 0
    header: tuple[int, list[str]] | None = None
    try:
        for cells in reader:
            yield start, cells
            if header is None and any(c.strip() for c in cells):
                header = (start, cells)
            last, start = start, reader.line_num + 1
    except csv.Error as exc:
        reason = str(exc)
        if reason.startswith("field larger than field limit"):
            limit = f"{csv.field_size_limit():,}".replace(",", ".")
            reason = f"eine Zelle ist länger als {limit} Zeichen"
        raise Unreadable(filename, f"Zeile {start}: {reason}") from None
    if start - 1 > last:  # the last record spans lines: did an open quote swallow them?
        _refuse_open_quote(filename, text, delimiter, last, header)


def _refuse_open_quote(
    filename: str, text: str, delimiter: str, first: int, header: tuple[int, list[str]] | None
) -> None:
    """A quote that opens a cell and is never closed makes the rest of the file one cell;
    ``csv`` keeps it without a word, so it is looked for in the last record (from line
    ``first``) and named where it opens."""
    tail = "".join(itertools.islice(io.StringIO(text, newline=""), first - 1, None))
    opened = _open_quote(tail, delimiter)
    if opened is None:
        return
    line, cell = opened
    names = header[1] if header is not None and header[0] < first else []
    name = names[cell].strip() if cell < len(names) else ""
    column = f"„{name}“" if name else str(cell + 1)
    raise Unreadable(
        filename,
        f"Zeile {first + line}, Spalte {column}: das Anführungszeichen, mit dem die Zelle "
        "beginnt, wird nicht geschlossen (die Zelle reichte sonst bis zum Ende der Datei)",
    )


def _open_quote(record: str, delimiter: str) -> tuple[int, int] | None:
    """(line, cell) of a record's quoted cell left open at its end, counted from 0; None
    when every quote closes. The rules are those of ``csv``: a quote opens a cell only as
    its first character, ``""`` inside stands for one, and a cell goes on unquoted after
    its closing quote."""
    line = cell = 0
    opened: tuple[int, int] | None = None
    quoted = after_quote = False
    at_start = True
    for char in record.replace("\r\n", "\n").replace("\r", "\n"):
        if quoted:
            if char == '"':
                quoted, after_quote = False, True
            elif char == "\n":
                line += 1
            continue
        if after_quote and char == '"':
            quoted, after_quote = True, False
            continue
        after_quote = False
        if char == "\n":
            line, cell, at_start = line + 1, 0, True
        elif char == delimiter:
            cell, at_start = cell + 1, True
        elif char == '"' and at_start:
            quoted, opened, at_start = True, (line, cell), False
        else:
            at_start = False
    return opened if quoted else None


def _table(filename: str, numbered: Iterator[tuple[int, list[Any]]]) -> Table:
    header: list[tuple[int, str]] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in numbered:
        if all(blank(c) for c in cells):
            continue
        if len(cells) > MAX_COLUMNS:
            if not all(blank(c) for c in cells[MAX_COLUMNS:]):
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


def blank(cell: Any) -> bool:
    """A cell with nothing in it, as far as an import is concerned."""
    return cell is None or (isinstance(cell, str) and not cell.strip())
